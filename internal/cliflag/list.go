package cliflag

import (
	"flag"
	"math"
	"strconv"
	"time"

	"github.com/assaynet/assay/consensus/state"
)

// The list flag sets a query command may take (ListFlags).
const (
	Paging  = 1 << iota // --limit, --cursor
	Rounds              // --from, --to
	Heights             // --from-height, --to-height
	Status              // --status
)

// ListFlags adds the list flags of sets (Paging, Rounds, …) to fs, bound
// to the options of a paged query (docs/protocol.md section 6.1).
func ListFlags(fs *flag.FlagSet, sets int) *state.ListOptions {
	o := &state.ListOptions{}
	if sets&Paging != 0 {
		Int(fs, &o.Limit, "limit", state.DefaultLimit, 1, state.MaxLimit, "items per page")
		fs.StringVar(&o.Cursor, "cursor", "", "the next cursor of a previous page")
	}
	if sets&Rounds != 0 {
		Uint(fs, &o.From, "from", 0, 0, math.MaxInt64, "first round")
		Uint(fs, &o.To, "to", 0, 0, math.MaxInt64, "last round (0: no bound)")
	}
	if sets&Heights != 0 {
		Uint(fs, &o.FromHeight, "from-height", 0, 0, math.MaxInt64, "first resolving (evidence: recording) height")
		Uint(fs, &o.ToHeight, "to-height", 0, 0, math.MaxInt64, "last such height (0: no bound)")
	}
	if sets&Status != 0 {
		fs.StringVar(&o.Status, "status", "", "only datasets of this status: ACCEPTED, REJECTED, …")
	}
	return o
}

// RoundTime reads a --time flag of `assay fetch` and `assay source
// simulate`: RFC 3339 or unix seconds; empty means now, truncated to the
// second.
func RoundTime(s string, now func() time.Time) (time.Time, error) {
	if s == "" {
		return now().Truncate(time.Second), nil
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(sec, 0), nil
	}
	return time.Parse(time.RFC3339, s)
}
