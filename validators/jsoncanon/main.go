// Command jsoncanon is the reference validator program for JSON data: it parses
// the input as I-JSON, checks it against a schema given as the source's
// params (a documented subset of JSON Schema), and outputs the input in
// RFC 8785 canonical form.
//
// # Schema subset
//
// The params are one JSON Schema object. Supported keywords:
//
//	type                  "null" "boolean" "object" "array" "number" "integer" "string", or an array of them
//	enum, const           values compared by canonical form (1 and 1.0 are equal)
//	minimum, maximum      inclusive number bounds
//	exclusiveMinimum, exclusiveMaximum   exclusive number bounds (numbers, as in 2020-12)
//	minLength, maxLength  string length in Unicode code points
//	minItems, maxItems    array length
//	uniqueItems           true: no two items canonically equal
//	items                 schema every array item must match
//	properties            object: name -> schema
//	required              array of member names that must be present
//	additionalProperties  false, true or a schema for members not in properties
//	title, description, $schema, $id, $comment, examples, default   ignored
//
// Any other keyword rejects with "params: ...", so a schema never silently
// means less than it says. Input is limited to 48 KiB, 10,000 values and 64
// levels of nesting (so that any input fits the node's maximum gas), schemas to 64 KiB
// and 32 levels; numbers are IEEE-754 doubles (I-JSON).
//
// The first violation found rejects, with a JSON Pointer to the value:
// required members in schema order, then members in input order, then array
// items in order.
//
// Build: scripts/validators.sh (flags in sdk/assay/assaytest.BuildFlags).
package main

import "github.com/assaynet/assay/sdk/assay"

func init() { assay.Handle(validate) }

func main() {}
