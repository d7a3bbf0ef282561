// Command csv is the reference validator program for CSV data: it parses RFC 4180
// CSV, checks every row against typed columns given in the params, and
// outputs a normalised CSV.
//
// # Params
//
//	{
//	  "columns": [
//	    {"name": "id", "type": "integer"},
//	    {"name": "price", "type": "decimal"},
//	    {"name": "when", "type": "timestamp"},
//	    {"name": "day", "type": "date"},
//	    {"name": "ok", "type": "boolean"},
//	    {"name": "note", "type": "string", "max_length": 200, "nullable": true}
//	  ],
//	  "header": true,      // the first row must be the column names, in order
//	  "delimiter": ",",    // one character (default ",")
//	  "max_rows": 10000,   // data rows (default 10000)
//	  "max_cells": 12000,  // data rows × columns (default 12000)
//	  "max_bytes": 49152   // input size (default 48 KiB)
//	}
//
// The defaults keep any input within the node's maximum gas (a Go guest
// spends ~10,000 gas per cell).
//
// Types and their normal forms:
//
//	string     any valid UTF-8 (max_length in code points, optional)
//	integer    64-bit signed, printed without sign or leading zeros ("+007" → "7")
//	decimal    exact decimal, printed without exponent or trailing zeros ("1.50e2" → "150")
//	boolean    true/false/1/0/yes/no/t/f (any case) → "true"/"false"
//	timestamp  RFC 3339 with offset → RFC 3339 in UTC ("2023-11-14T23:13:20+01:00" → "2023-11-14T22:13:20Z")
//	date       YYYY-MM-DD
//
// An empty field is an error unless the column is nullable; it stays empty.
//
// # Output
//
// The header (always) and the rows in input order, comma-separated,
// "\n"-terminated, fields quoted only when they must be.
//
// Build: scripts/validators.sh (flags in sdk/assay/assaytest.BuildFlags).
package main

import "github.com/assaynet/assay/sdk/assay"

func init() { assay.Handle(validate) }

func main() {}
