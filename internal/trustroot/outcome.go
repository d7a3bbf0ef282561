package trustroot

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/assaynet/assay/consumer"
)

// Exit codes of `assay dataset verify` and `assay dataset get --verify`
// (docs/node.md).
const (
	ExitVerified    = 0 // everything checked holds
	ExitLie         = 1 // a header, proof, record or bytes did not verify
	ExitUsage       = 2 // bad arguments or an unusable trust root
	ExitUnavailable = 3 // a node or gateway did not answer: nothing shown false
	ExitAbsent      = 4 // the chain proves there is no such dataset
)

// ExitCode maps a verification error to the documented exit code: an
// error that is no *consumer.Error (a timeout, a refused dial) counts as
// unavailable.
func ExitCode(err error) int {
	switch consumer.PartOf(err) {
	case "":
		if err == nil {
			return ExitVerified
		}
		return ExitUnavailable
	case consumer.PartTrust:
		return ExitUsage
	case consumer.PartUnavailable:
		return ExitUnavailable
	case consumer.PartAbsent:
		return ExitAbsent
	}
	return ExitLie
}

// Result is the --json form of a verification's outcome.
type Result struct {
	Verified bool              `json:"verified"`
	Part     consumer.Part     `json:"failed,omitempty"`
	Error    string            `json:"error,omitempty"`
	Dataset  *consumer.Dataset `json:"dataset,omitempty"`
}

// WriteJSON writes the outcome of a verification (d, err) to w as an
// indented Result.
func WriteJSON(w io.Writer, d *consumer.Dataset, err error) {
	res := Result{Verified: err == nil, Part: consumer.PartOf(err), Dataset: d}
	if err != nil {
		res.Error = err.Error()
	}
	b, _ := json.MarshalIndent(res, "", "  ")
	fmt.Fprintf(w, "%s\n", b)
}
