package builtin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/sourcefile"
	"github.com/assaynet/assay/runtime/pin"
)

// LoadManager is NewManager with the config read from the assay.toml at
// configPath ("" for none: the built-in fetchers with default limits).
func LoadManager(configPath, fileRoot string, log *slog.Logger) (*plugins.Manager, error) {
	var cfg *plugins.Config
	if configPath != "" {
		c, err := plugins.LoadConfig(configPath)
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	return NewManager(cfg, fileRoot, log)
}

// FetchReport is one fetch of a source's input (`assay fetch`).
type FetchReport struct {
	// Config is the fetch config expanded for the round, as the fetcher
	// receives it; "" when it does not expand (Fetch then fails).
	Config string
	Data   []byte
	CID    cid.Cid // Data's CIDv1, as the worker pins it
	SHA256 [sha256.Size]byte
	Took   time.Duration // the fetch alone
	// Source, Kind, Height and Time say what was fetched: the source's
	// id, its fetcher kind and the round.
	Source, Kind string
	Height       int64
	Time         time.Time
}

// WriteText writes the report of a successful fetch for people, one
// field a line: what was fetched for which round, its size, CID, SHA-256
// and how long the fetch took.
func (r FetchReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "source  %s\nkind    %s\nround   height %d, time %s\nsize    %d bytes\ncid     %s\nsha256  %s\ntook    %v\n",
		r.Source, r.Kind, r.Height, r.Time.UTC().Format(time.RFC3339), len(r.Data), r.CID, hex.EncodeToString(r.SHA256[:]), r.Took.Round(time.Microsecond))
}

// FetchOnce fetches sf's input for the round at height and time at with
// m, as a node's worker does for a job, and sums the bytes. A failed
// fetch is an error "UNAVAILABLE: …" (the verdict the worker would
// report) wrapping m.Fetch's error; the report still holds Config.
func FetchOnce(ctx context.Context, m *plugins.Manager, sf *sourcefile.SourceFile, height int64, at time.Time) (FetchReport, error) {
	rep := FetchReport{Source: sf.ID, Kind: sf.Fetch.Kind, Height: height, Time: at}
	round := sf.Round(height, at.UnixNano())
	if cfg, err := sf.Fetch.Expand(round); err == nil {
		rep.Config = string(cfg)
	}
	start := time.Now()
	data, err := m.Fetch(ctx, sf.Fetch, round)
	rep.Took = time.Since(start)
	if err != nil {
		return rep, fmt.Errorf("UNAVAILABLE: %w", err)
	}
	if rep.CID, err = pin.SumBytes(data); err != nil {
		return rep, fmt.Errorf("cid: %w", err)
	}
	rep.Data, rep.SHA256 = data, sha256.Sum256(data)
	return rep, nil
}
