package replay

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/assaynet/assay/consumer"
)

// Exit codes of `assay dataset replay` (docs/node.md).
const (
	ExitMatch     = 0 // every input gave the agreed verdict
	ExitMismatch  = 1 // some input gave another status, output CID or gas
	ExitCannotRun = 2 // a record, the input or the code is missing or wrong, or no verdict
	// ExitNotProven: with a trust root, a header, proof or record from
	// the node did not verify (consumer's PartHeader, PartProof or
	// PartRecord): the node lied or is broken, so nothing was replayed.
	ExitNotProven = 3
)

// exitFor is the exit code of a replay that did not run.
func exitFor(err error) int {
	switch consumer.PartOf(err) {
	case consumer.PartHeader, consumer.PartProof, consumer.PartRecord:
		return ExitNotProven
	}
	return ExitCannotRun
}

// outcome is the --json form: the Report, or the reason it could not run.
type outcome struct {
	Report
	Error string `json:"error,omitempty"`
}

// Print writes the outcome of Replay (rep, err) to w, for people or
// with asJSON as one JSON line, and returns its exit code.
func Print(w io.Writer, source string, round uint64, rep Report, err error, asJSON bool) int {
	code := ExitMatch
	switch {
	case err != nil:
		code = exitFor(err)
		rep = Report{Source: source, Round: round, Engine: rep.Engine, Runs: []Run{}, Records: rep.Records, Proven: rep.Proven}
	case !rep.Match:
		code = ExitMismatch
	}
	if asJSON {
		o := outcome{Report: rep}
		if err != nil {
			o.Error = err.Error()
		}
		b, _ := json.Marshal(o)
		fmt.Fprintf(w, "%s\n", b)
		return code
	}
	if err != nil {
		if code == ExitNotProven {
			fmt.Fprintf(w, "replay %s round %d: NOT PROVEN: %v\n", source, round, err)
		} else {
			fmt.Fprintf(w, "replay %s round %d: %v\n", source, round, err)
		}
		if rep.Records != "" && code != ExitNotProven {
			fmt.Fprintf(w, "records: %s\n", rep.Records)
		}
		return code
	}
	verdict := "MATCH"
	if !rep.Match {
		verdict = "MISMATCH"
	}
	fmt.Fprintf(w, "replay %s round %d (resolved at height %d), code %s, %s engine: %s\n",
		rep.Source, rep.Round, rep.Height, rep.CodeCID, rep.Engine, verdict)
	fmt.Fprintf(w, "records: %s\n", rep.Records)
	for _, r := range rep.Runs {
		fmt.Fprintf(w, "input %s (%s)\n", r.InputCID, r.Wall)
		fmt.Fprintf(w, "  agreed    %-9s %s gas %d (attester %s)\n", r.Agreed.Status, r.Agreed.OutputCID, r.Agreed.GasUsed, r.Attester)
		fmt.Fprintf(w, "  replayed  %-9s %s gas %d", r.Replayed.Status, r.Replayed.OutputCID, r.Replayed.GasUsed)
		if r.Kind != "" {
			fmt.Fprintf(w, " (%s)", r.Kind)
		}
		fmt.Fprintln(w)
		if len(r.Differ) > 0 {
			fmt.Fprintf(w, "  differ    %s\n", strings.Join(r.Differ, ", "))
		}
	}
	return code
}
