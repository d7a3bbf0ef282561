package authoring

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/assaynet/assay/runtime/meter"
)

// The text forms of the reports, as `assay validator` prints them (the
// JSON forms are the types' encoding).

// WriteText writes r as `assay validator run` prints it: one aligned
// "name: value" line per field, empty fields left out, the log last.
func (r RunReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "status:      %s\n", r.Status)
	if r.Kind != "" {
		fmt.Fprintf(w, "kind:        %s\n", r.Kind)
	}
	if r.Reason != "" {
		fmt.Fprintf(w, "reason:      %q\n", r.Reason)
	}
	if r.Error != "" {
		fmt.Fprintf(w, "error:       %s\n", r.Error)
	}
	fmt.Fprintf(w, "gas used:    %d\n", r.GasUsed)
	fmt.Fprintf(w, "output:      %d bytes\n", r.OutputSize)
	fmt.Fprintf(w, "output cid:  %s\n", r.OutputCID)
	fmt.Fprintf(w, "code cid:    %s\n", r.CodeCID)
	fmt.Fprintf(w, "engine:      %s\n", r.Engine)
	fmt.Fprintf(w, "wall:        %.3f ms\n", r.WallMS)
	if r.Log != "" {
		fmt.Fprintf(w, "log:\n%s\n", r.Log)
	}
}

// WriteCheck writes the report of Check on the module at path (CID id)
// as `assay validator check` prints it: sizes, limits, imports and
// exports, one aligned line each.
func WriteCheck(w io.Writer, path, id string, info *meter.Info) {
	fmt.Fprintf(w, "file:        %s\n", path)
	fmt.Fprintf(w, "size:        %d bytes\n", info.Size)
	fmt.Fprintf(w, "code cid:    %s\n", id)
	mem := fmt.Sprintf("min %d pages", info.MemoryMin)
	if info.HasMemoryMax {
		mem += fmt.Sprintf(", max %d", info.MemoryMax)
	}
	fmt.Fprintf(w, "memory:      %s\n", mem)
	fmt.Fprintf(w, "table:       min %d\n", info.TableMin)
	fmt.Fprintf(w, "functions:   %d\n", info.Functions)
	fmt.Fprintf(w, "globals:     %d\n", info.Globals)
	fmt.Fprintf(w, "data:        %d bytes\n", info.DataBytes)
	fmt.Fprintf(w, "max locals:  %d\n", info.MaxLocals)
	fmt.Fprintf(w, "max nesting: %d\n", info.MaxNesting)
	fmt.Fprintf(w, "imports:     %d\n", len(info.Imports))
	for _, im := range info.Imports {
		fmt.Fprintf(w, "  %s %s.%s %s\n", im.Kind, im.Module, im.Name, im.Type)
	}
	fmt.Fprintf(w, "exports:     %d\n", len(info.Exports))
	for _, ex := range info.Exports {
		fmt.Fprintf(w, "  %s %s\n", ex.Kind, ex.Name)
	}
	fmt.Fprintln(w, "check:       ok")
}

// Report is a report with a text form (RunReport, SimReport).
type Report interface{ WriteText(io.Writer) }

// Write writes rep as one JSON line when asJSON, else in its text form.
func Write(w io.Writer, rep Report, asJSON bool) {
	if !asJSON {
		rep.WriteText(w)
		return
	}
	b, _ := json.Marshal(rep) // the reports are flat structs of strings and numbers
	fmt.Fprintf(w, "%s\n", b)
}

// WriteFixtures writes rows as `assay validator test` prints them: an
// indented JSON array when asJSON, else WriteFixtureTable.
func WriteFixtures(w io.Writer, rows []FixtureRow, interp, asJSON bool) {
	if !asJSON {
		WriteFixtureTable(w, rows, interp)
		return
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(rows)
}

// WriteFixtureTable writes rows as `assay validator test` prints them:
// one line per fixture, then a count of failures; interp says whether
// the runs included the interpreter cross-check.
func WriteFixtureTable(w io.Writer, rows []FixtureRow, interp bool) {
	fmt.Fprintf(w, "%-28s %-9s %12s %10s  %s\n", "FIXTURE", "STATUS", "GAS", "WALL(ms)", "RESULT")
	failed := 0
	for _, r := range rows {
		result := "ok"
		if !r.OK {
			result, failed = "FAIL: "+r.Error, failed+1
		}
		fmt.Fprintf(w, "%-28s %-9s %12d %10.2f  %s\n", r.Name, r.Status, r.GasUsed, r.WallMS, result)
	}
	runs := "twice on the compiler and once on the interpreter"
	if !interp {
		runs = "twice on the compiler"
	}
	fmt.Fprintf(w, "%d fixtures, %d failed (each run %s, verdicts and gas identical)\n", len(rows), failed, runs)
}
