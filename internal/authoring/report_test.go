package authoring

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestWriteText checks the text forms of the three reports, built from
// the echo program (Check, Run) and from fixture rows.
func TestWriteText(t *testing.T) {
	info, id, err := Check(echoWasm)
	if err != nil {
		t.Fatal(err)
	}
	var check bytes.Buffer
	WriteCheck(&check, echoWasm, id, info)

	job, eng, err := RunOptions{Input: echoWasm, Engine: "interpreter", Time: "0", Gas: 1e6, Height: 1, MaxOutput: 100}.Job()
	if err != nil {
		t.Fatal(err)
	}
	job.Input = []byte("hi")
	rep, _, err := Run(echoWasm, eng, job)
	if err != nil {
		t.Fatal(err)
	}
	var run bytes.Buffer
	rep.WriteText(&run)

	rows := []FixtureRow{{Name: "good", Status: "ACCEPTED", GasUsed: 12, WallMS: 0.5, OK: true},
		{Name: "bad", Status: "REJECTED", GasUsed: 7, Error: "status REJECTED, want ACCEPTED"}}
	var table, compilerOnly bytes.Buffer
	WriteFixtureTable(&table, rows, true)
	WriteFixtureTable(&compilerOnly, rows[:1], false)

	cases := []struct {
		name string
		got  string
		want []string
		not  []string
	}{
		{"check", check.String(), []string{"file:        " + echoWasm + "\n", "code cid:    " + id + "\n", "exports:     ", "check:       ok\n"}, nil},
		{"run", run.String(), []string{"status:      ", "output:      2 bytes\n", "code cid:    " + id + "\n", "engine:      interpreter\n"},
			[]string{"reason:", "error:"}},
		{"fixtures", table.String(), []string{"FIXTURE", "good", "  ok\n", "FAIL: status REJECTED, want ACCEPTED\n",
			"2 fixtures, 1 failed (each run twice on the compiler and once on the interpreter, verdicts and gas identical)\n"}, nil},
		{"fixtures, compiler only", compilerOnly.String(), []string{"1 fixtures, 0 failed (each run twice on the compiler, verdicts"}, nil},
	}
	for _, tc := range cases {
		for _, w := range tc.want {
			if !strings.Contains(tc.got, w) {
				t.Errorf("%s: lacks %q:\n%s", tc.name, w, tc.got)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(tc.got, n) {
				t.Errorf("%s: has %q although empty:\n%s", tc.name, n, tc.got)
			}
		}
	}
}

// textReport is a Report whose text form is fixed.
type textReport struct {
	Status string `json:"status"`
}

func (r textReport) WriteText(w io.Writer) { fmt.Fprintf(w, "status: %s\n", r.Status) }

// TestWriteJSONOrText: Write and WriteFixtures print the JSON form with
// asJSON (one line; an indented array) and the text form without.
func TestWriteJSONOrText(t *testing.T) {
	rows := []FixtureRow{{Name: "good", Status: "ACCEPTED", GasUsed: 12, OK: true}}
	var table bytes.Buffer
	WriteFixtureTable(&table, rows, false)
	tests := []struct {
		name  string
		write func(w io.Writer)
		want  string
	}{
		{"report text", func(w io.Writer) { Write(w, textReport{"ACCEPTED"}, false) }, "status: ACCEPTED\n"},
		{"report json", func(w io.Writer) { Write(w, textReport{"ACCEPTED"}, true) }, `{"status":"ACCEPTED"}` + "\n"},
		{"fixtures text", func(w io.Writer) { WriteFixtures(w, rows, false, false) }, table.String()},
		{"fixtures json", func(w io.Writer) { WriteFixtures(w, rows, false, true) },
			"[\n  {\n    \"name\": \"good\",\n    \"status\": \"ACCEPTED\",\n    \"gas_used\": 12,\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		tt.write(&b)
		if !strings.HasPrefix(b.String(), tt.want) || (tt.name != "fixtures json" && b.String() != tt.want) {
			t.Errorf("%s: got\n%s\nwant\n%s", tt.name, b.String(), tt.want)
		}
	}
}
