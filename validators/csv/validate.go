package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"

	"github.com/assaynet/assay/sdk/assay"
)

// validate is the validator program; see the package comment.
func validate(input, rawParams []byte, _ assay.Round) ([]byte, error) {
	p, delim, err := parseParams(rawParams)
	if err != nil {
		return nil, err
	}
	if len(input) > p.MaxBytes {
		return nil, assay.Reject("input of %d bytes exceeds max_bytes %d", len(input), p.MaxBytes)
	}
	r := csv.NewReader(bytes.NewReader(input))
	r.Comma = delim
	r.FieldsPerRecord = len(p.Columns)
	r.ReuseRecord = true
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	if err := w.Write(names(p.Columns)); err != nil {
		return nil, err
	}
	if p.Header {
		if err := checkHeader(r, p.Columns); err != nil {
			return nil, err
		}
	}
	if err := copyRows(r, w, p); err != nil {
		return nil, err
	}
	w.Flush()
	return out.Bytes(), w.Error()
}

func checkHeader(r *csv.Reader, cols []column) error {
	rec, err := r.Read()
	if err != nil {
		return readError(err)
	}
	for i, c := range cols {
		if rec[i] != c.Name {
			return assay.Reject("header: column %d is %q, want %q", i+1, clipName(rec[i]), c.Name)
		}
	}
	return nil
}

func copyRows(r *csv.Reader, w *csv.Writer, p params) error {
	row := make([]string, len(p.Columns))
	for n := 0; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return assay.Reject("no data rows")
			}
			return nil
		}
		if err != nil {
			return readError(err)
		}
		if n >= p.MaxRows {
			return assay.Reject("more than max_rows %d data rows", p.MaxRows)
		}
		if (n+1)*len(p.Columns) > p.MaxCells {
			return assay.Reject("more than max_cells %d cells", p.MaxCells)
		}
		line, _ := r.FieldPos(0)
		for i, c := range p.Columns {
			if row[i], err = c.normalize(rec[i]); err != nil {
				return assay.Reject("line %d, column %q: %v", line, c.Name, err)
			}
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
}

func readError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return assay.Reject("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	if errors.Is(err, io.EOF) {
		return assay.Reject("empty input")
	}
	return assay.Reject("csv: %v", err)
}

func names(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

func clipName(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
