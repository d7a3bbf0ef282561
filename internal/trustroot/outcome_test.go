package trustroot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consumer"
)

// TestExitCode: each Part of a verification error maps to its
// documented exit code; a plain error is unavailable.
func TestExitCode(t *testing.T) {
	part := func(p consumer.Part) error { return fmt.Errorf("wrapped: %w", &consumer.Error{Part: p, Msg: "m"}) }
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitVerified},
		{"plain", context.DeadlineExceeded, ExitUnavailable},
		{"trust", part(consumer.PartTrust), ExitUsage},
		{"unavailable", part(consumer.PartUnavailable), ExitUnavailable},
		{"absent", part(consumer.PartAbsent), ExitAbsent},
		{"header", part(consumer.PartHeader), ExitLie},
		{"proof", part(consumer.PartProof), ExitLie},
		{"record", part(consumer.PartRecord), ExitLie},
		{"bytes", part(consumer.PartBytes), ExitLie},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("%s: ExitCode = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestWriteJSON: a verified dataset, and a failure naming its part.
func TestWriteJSON(t *testing.T) {
	d := &consumer.Dataset{DatasetView: state.DatasetView{Source: "s", Round: 3}}
	tests := []struct {
		name string
		d    *consumer.Dataset
		err  error
		want string
	}{
		{"verified", d, nil, `"verified": true,
  "dataset": {
    "source": "s",
    "round": 3,`},
		{"failed", nil, &consumer.Error{Part: consumer.PartProof, Msg: "bad"}, `{
  "verified": false,
  "failed": "proof",
  "error": "proof: bad"
}
`},
		{"plain error", nil, errors.New("dial"), `{
  "verified": false,
  "error": "dial"
}
`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		WriteJSON(&b, tt.d, tt.err)
		if !bytes.Contains(b.Bytes(), []byte(tt.want)) {
			t.Errorf("%s: got\n%s\nwant it to contain\n%s", tt.name, b.String(), tt.want)
		}
	}
}
