package authoring

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/verdict"
	"github.com/assaynet/assay/internal/filelimit"
	"github.com/assaynet/assay/internal/submit"
	"github.com/assaynet/assay/plugins/builtin"
	"github.com/assaynet/assay/plugins/sourcefile"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/sandbox"
)

// SimOptions configure Simulate: the round to simulate and where the
// fetchers come from.
type SimOptions struct {
	Height int64     // the round's height (its round id)
	Time   time.Time // the time of the round's block
	// Config is an assay.toml whose [fetch] and [[plugins]] tables make
	// the fetchers, as on a node; "" = the built-in fetchers with their
	// defaults, the "file" fetcher reading under FileRoot.
	Config   string
	FileRoot string
	// Wasm is the validator program file when the source names its code
	// by CID (code = "…"): its CID must be that one. "" = code_file.
	Wasm string
	Log  io.Writer // fetch manager and plugin logs; nil = discarded
}

// SimReport is the outcome of Simulate, and the `assay source simulate
// --json` object. Outside tools parse it: only add fields.
type SimReport struct {
	Source      string  `json:"source"`
	Height      int64   `json:"height"`
	Time        string  `json:"time"` // RFC 3339, UTC
	FetchKind   string  `json:"fetch_kind"`
	FetchConfig string  `json:"fetch_config"` // expanded for the round
	InputSize   int     `json:"input_size"`
	InputCID    string  `json:"input_cid"`
	Status      string  `json:"status"` // UNAVAILABLE when the fetch failed
	Kind        string  `json:"kind"`
	Reason      string  `json:"reason"` // REJECTED's reason, or why FAILED/UNAVAILABLE
	GasUsed     uint64  `json:"gas_used"`
	GasLimit    uint64  `json:"gas_limit"`
	OutputSize  int     `json:"output_size"`
	OutputCID   string  `json:"output_cid"`
	CodeCID     string  `json:"code_cid"`
	FetchMS     float64 `json:"fetch_ms"`
	RunMS       float64 `json:"run_ms"`
	Log         string  `json:"log"`
}

// Simulate runs one round of source sf without a chain: it fetches the
// input once as a node's worker does (builtin.FetchOnce, with the
// fetchers of o.Config) and runs the validator program on it as the
// chain's round job (verdict.Job of a round whose spec is sf's, as
// `assay source register` would store it), with sf's params, gas limit,
// memory pages and output limit, the source id, o.Height and o.Time. A
// failed fetch is a report with status UNAVAILABLE, not an error; the
// error is for a source or module that cannot be run at all.
func Simulate(ctx context.Context, sf *sourcefile.SourceFile, o SimOptions) (SimReport, error) {
	rep := SimReport{Source: sf.ID, Height: o.Height, Time: o.Time.UTC().Format(time.RFC3339Nano), FetchKind: sf.Fetch.Kind}
	wasmPath := sf.CodeFile
	if o.Wasm != "" {
		wasmPath = o.Wasm
	}
	if wasmPath == "" {
		return rep, fmt.Errorf("source %s names its code by CID (%s): pass the module file with --wasm", sf.ID, sf.Code)
	}
	wasm, err := filelimit.Read(wasmPath, filelimit.Code)
	if err != nil {
		return rep, err
	}
	rt, err := sandbox.New(ctx, sandbox.Config{MaxGas: max(sf.GasLimit, sandbox.DefaultMaxGas)})
	if err != nil {
		return rep, err
	}
	defer rt.Close(ctx)
	code, err := storeSimCode(ctx, rt, sf, wasmPath, wasm)
	if err != nil {
		return rep, err
	}
	spec, err := submit.Spec(sf, code.CID.String())
	if err != nil {
		return rep, err
	}
	rep.CodeCID, rep.GasLimit = spec.CodeCid, spec.GasLimit
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	m, err := builtin.LoadManager(o.Config, o.FileRoot, slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return rep, err
	}
	defer m.Close()
	fetched, err := builtin.FetchOnce(ctx, m, sf, o.Height, o.Time)
	rep.FetchConfig, rep.FetchMS = fetched.Config, ms(fetched.Took)
	if err != nil {
		rep.Status, rep.Reason = abi.StatusUnavailable.String(), err.Error()
		return rep, nil
	}
	rep.InputSize, rep.InputCID = len(fetched.Data), fetched.CID.String()
	round := &pb.Round{Source: sf.ID, Round: uint64(o.Height), Spec: spec}
	res := verdict.Run(ctx, rt, code, round, fetched.Data, o.Time.UnixNano(), verdict.DefaultTimeout)
	rep.Status, rep.Kind, rep.Reason, rep.GasUsed = res.Status.String(), res.Kind, res.Reason, res.GasUsed
	rep.RunMS, rep.Log, rep.OutputSize = ms(res.Wall), string(res.Log), len(res.Output)
	v, err := verdict.Of(ctx, verdict.Sum, fetched.Data, res)
	if errors.Is(err, verdict.ErrUnavailable) {
		rep.Reason = res.Err.Error()
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	out, err := cid.Cast(v.OutputCid)
	if err != nil {
		return rep, fmt.Errorf("output cid: %w", err)
	}
	rep.OutputCID = out.String()
	return rep, nil
}

// storeSimCode stores the module; when the source names its code by CID
// the module must be that code.
func storeSimCode(ctx context.Context, rt *sandbox.Runtime, sf *sourcefile.SourceFile, path string, wasm []byte) (*sandbox.Code, error) {
	if sf.Code != "" {
		code, err := verdict.Code(ctx, rt, sf.Code, wasm)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return code, nil
	}
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return code, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteText writes r as `assay source simulate` prints it: one aligned
// "name: value" line per field, empty fields left out, the log last.
func (r SimReport) WriteText(w io.Writer) {
	line := func(name, format string, v ...any) {
		fmt.Fprintf(w, "%-13s"+format+"\n", append([]any{name + ":"}, v...)...)
	}
	line("source", "%s", r.Source)
	line("round", "height %d, time %s", r.Height, r.Time)
	line("fetch", "%s %.300s", r.FetchKind, r.FetchConfig)
	if r.InputCID != "" {
		line("input", "%d bytes, cid %s", r.InputSize, r.InputCID)
	}
	line("status", "%s", r.Status)
	if r.Kind != "" {
		line("kind", "%s", r.Kind)
	}
	if r.Reason != "" {
		line("reason", "%q", r.Reason)
	}
	line("gas used", "%d of %d", r.GasUsed, r.GasLimit)
	if r.OutputCID != "" {
		line("output", "%d bytes, cid %s", r.OutputSize, r.OutputCID)
	}
	line("code cid", "%s", r.CodeCID)
	line("timings", "fetch %.3f ms, run %.3f ms", r.FetchMS, r.RunMS)
	if r.Log != "" {
		fmt.Fprintf(w, "log:\n%s\n", r.Log)
	}
}
