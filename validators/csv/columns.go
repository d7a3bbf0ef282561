package main

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/dec"
)

// column is one typed column of the params.
type column struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Nullable  bool   `json:"nullable"`
	MaxLength int    `json:"max_length"`
}

type params struct {
	Columns   []column `json:"columns"`
	Header    bool     `json:"header"`
	Delimiter string   `json:"delimiter"`
	MaxRows   int      `json:"max_rows"`
	MaxBytes  int      `json:"max_bytes"`
	MaxCells  int      `json:"max_cells"`
}

// Defaults of max_rows, max_bytes and max_cells. A Go guest spends about
// 10,000 gas per cell and 13,000 per row here: 12,000 cells or 10,000 rows
// fit the node's maximum gas, whatever the 48 KiB hold.
const (
	defaultMaxRows  = 10000
	defaultMaxBytes = 48 << 10
	defaultMaxCells = 12000
)

// normalizers turn a field into its normal form or explain why not.
var normalizers = map[string]func(string) (string, error){
	"string":    func(s string) (string, error) { return s, nil },
	"integer":   normInteger,
	"decimal":   normDecimal,
	"boolean":   normBoolean,
	"timestamp": normTimestamp,
	"date":      normDate,
}

func parseParams(raw []byte) (params, rune, error) {
	var p params
	if err := assay.DecodeParams(raw, &p); err != nil {
		return p, 0, err
	}
	if len(p.Columns) == 0 {
		return p, 0, assay.Reject("params: no columns")
	}
	for i, c := range p.Columns {
		if _, ok := normalizers[c.Type]; !ok {
			return p, 0, assay.Reject("params: column %d (%q): unknown type %q", i, c.Name, c.Type)
		}
	}
	delim := ','
	if p.Delimiter != "" {
		r, n := utf8.DecodeRuneInString(p.Delimiter)
		if n != len(p.Delimiter) || r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError {
			return p, 0, assay.Reject("params: delimiter %q, want one character other than a quote or newline", p.Delimiter)
		}
		delim = r
	}
	if p.MaxRows <= 0 {
		p.MaxRows = defaultMaxRows
	}
	if p.MaxBytes <= 0 {
		p.MaxBytes = defaultMaxBytes
	}
	if p.MaxCells <= 0 {
		p.MaxCells = defaultMaxCells
	}
	return p, delim, nil
}

// normalize checks one field against its column.
func (c column) normalize(field string) (string, error) {
	if !utf8.ValidString(field) {
		return "", assay.Reject("invalid UTF-8")
	}
	if field == "" {
		if c.Nullable {
			return "", nil
		}
		return "", assay.Reject("empty, column is not nullable")
	}
	if c.MaxLength > 0 {
		if n := utf8.RuneCountInString(field); n > c.MaxLength {
			return "", assay.Reject("%d characters exceed max_length %d", n, c.MaxLength)
		}
	}
	return normalizers[c.Type](field)
}

func normInteger(s string) (string, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return "", assay.Reject("%s is not a 64-bit integer", clip(s))
	}
	return strconv.FormatInt(n, 10), nil
}

func normDecimal(s string) (string, error) {
	d, err := dec.Parse(s)
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

func normBoolean(s string) (string, error) {
	switch strings.ToLower(s) {
	case "true", "t", "1", "yes":
		return "true", nil
	case "false", "f", "0", "no":
		return "false", nil
	}
	return "", assay.Reject("%s is not a boolean", clip(s))
}

func normTimestamp(s string) (string, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", assay.Reject("%s is not an RFC 3339 timestamp", clip(s))
	}
	return t.UTC().Format(time.RFC3339Nano), nil
}

func normDate(s string) (string, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", assay.Reject("%s is not a YYYY-MM-DD date", clip(s))
	}
	return t.Format(time.DateOnly), nil
}

func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return strconv.Quote(s)
}
