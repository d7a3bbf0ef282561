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
	field(w, "status", "%s", r.Status)
	if r.Kind != "" {
		field(w, "kind", "%s", r.Kind)
	}
	if r.Reason != "" {
		field(w, "reason", "%q", r.Reason)
	}
	if r.Error != "" {
		field(w, "error", "%s", r.Error)
	}
	field(w, "gas used", "%d", r.GasUsed)
	field(w, "output", "%d bytes", r.OutputSize)
	field(w, "output cid", "%s", r.OutputCID)
	field(w, "code cid", "%s", r.CodeCID)
	field(w, "engine", "%s", r.Engine)
	field(w, "wall", "%.3f ms", r.WallMS)
	if r.Log != "" {
		fmt.Fprintf(w, "log:\n%s\n", r.Log)
	}
}

// WriteCheck writes the report of Check on the module at path (CID id)
// as `assay validator check` prints it: sizes, limits, imports and
// exports, one aligned line each.
func WriteCheck(w io.Writer, path, id string, info *meter.Info) {
	field(w, "file", "%s", path)
	field(w, "size", "%d bytes", info.Size)
	field(w, "code cid", "%s", id)
	mem := fmt.Sprintf("min %d pages", info.MemoryMin)
	if info.HasMemoryMax {
		mem += fmt.Sprintf(", max %d", info.MemoryMax)
	}
	field(w, "memory", "%s", mem)
	field(w, "table", "min %d", info.TableMin)
	field(w, "functions", "%d", info.Functions)
	field(w, "globals", "%d", info.Globals)
	field(w, "data", "%d bytes", info.DataBytes)
	field(w, "max locals", "%d", info.MaxLocals)
	field(w, "max nesting", "%d", info.MaxNesting)
	field(w, "imports", "%d", len(info.Imports))
	for _, im := range info.Imports {
		fmt.Fprintf(w, "  %s %s.%s %s\n", im.Kind, im.Module, im.Name, im.Type)
	}
	field(w, "exports", "%d", len(info.Exports))
	for _, ex := range info.Exports {
		fmt.Fprintf(w, "  %s %s\n", ex.Kind, ex.Name)
	}
	field(w, "check", "ok")
}

// field writes one line of a text report: "name:", padded so that the
// values line up, then the value args formatted by format.
func field(w io.Writer, name, format string, args ...any) {
	fmt.Fprintf(w, "%-13s"+format+"\n", append([]any{name + ":"}, args...)...)
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
