package trustroot

import (
	"context"
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

// Verify is one verification as `assay dataset verify` and `dataset get
// --verify` run it: the verifier of f over gateway, the dataset of
// source's round (and, when wantCID is not "", that its proven output is
// wantCID), its outcome printed — as a Result to stdout with asJSON, as
// the verified facts to stdout otherwise, and a failure to stderr — and
// the exit code.
func (f *Flags) Verify(ctx context.Context, gateway, source string, round uint64, wantCID string, asJSON bool, stdout, stderr io.Writer) (*consumer.Dataset, int) {
	o, err := f.Options(gateway)
	var v *consumer.Verifier
	if err == nil {
		v, err = consumer.NewVerifier(o)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset verify: %v\n", err)
		return nil, ExitUsage
	}
	var d *consumer.Dataset
	if wantCID != "" {
		d, err = v.VerifyCID(ctx, source, round, wantCID)
	} else {
		d, err = v.Verify(ctx, source, round)
	}
	if asJSON {
		WriteJSON(stdout, d, err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset verify: NOT VERIFIED: %v\n", err)
		return d, ExitCode(err)
	}
	if !asJSON {
		d.WriteText(stdout, o)
	}
	return d, ExitVerified
}
