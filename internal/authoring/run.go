package authoring

import (
	"context"
	"errors"
	"fmt"

	"github.com/assaynet/assay/internal/filelimit"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
	"github.com/assaynet/assay/sdk/fixture"
)

// RunReport is the outcome of Run, and the `assay validator run --json`
// object. Outside tools parse it: only add fields.
type RunReport struct {
	Status     string  `json:"status"`
	Kind       string  `json:"kind"`
	Reason     string  `json:"reason"`
	GasUsed    uint64  `json:"gas_used"`
	OutputSize int     `json:"output_size"`
	OutputCID  string  `json:"output_cid"`
	WallMS     float64 `json:"wall_ms"`
	CodeCID    string  `json:"code_cid"`
	Engine     string  `json:"engine"`
	Log        string  `json:"log"`
	Error      string  `json:"error,omitempty"`
}

// Run stores the module at path and runs job once, in a fresh sandbox
// on engine eng; it returns the report and the sandbox's result (whose
// Output the report only sizes and names).
func Run(path string, eng sandbox.Engine, job sandbox.Job) (RunReport, sandbox.Result, error) {
	ctx := context.Background()
	wasm, err := filelimit.Read(path, filelimit.Code)
	if err != nil {
		return RunReport{}, sandbox.Result{}, err
	}
	rt, err := sandbox.New(ctx, sandbox.Config{Engine: eng, MaxGas: max(job.GasLimit, sandbox.DefaultMaxGas)})
	if err != nil {
		return RunReport{}, sandbox.Result{}, err
	}
	defer rt.Close(ctx)
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		return RunReport{}, sandbox.Result{}, fmt.Errorf("%s: %w", path, err)
	}
	res := rt.Run(ctx, code, job)
	rep := RunReport{
		Status: res.Status.String(), Kind: res.Kind, Reason: res.Reason, GasUsed: res.GasUsed,
		OutputSize: len(res.Output), WallMS: float64(res.Wall.Microseconds()) / 1000,
		CodeCID: code.CID.String(), Engine: eng.String(), Log: string(res.Log),
	}
	if res.Err != nil {
		rep.Error = res.Err.Error()
	}
	if res.Status != abi.StatusUnavailable {
		id, err := pin.SumBytes(res.Output)
		if err != nil {
			return rep, res, errors.Join(errors.New("output cid"), err)
		}
		rep.OutputCID = id.String()
	}
	return rep, res, nil
}

// RunOptions are one job's inputs as `assay validator run` takes them:
// file paths and text that Job reads and checks.
type RunOptions struct {
	Input  string // input file (- for stdin); required
	Params string // params file, or "" for none
	Engine string // wazero engine: "compiler" or "interpreter"
	Time   string // round time: RFC 3339 or unix nanoseconds (fixture.ParseTime)
	Source string // source id (seeds random_get)

	Gas         uint64 // gas limit
	Height      int64  // round height
	MemoryPages uint32 // memory limit in 64 KiB pages; 0 is the node default
	MaxOutput   int    // output limit in bytes
}

// Job reads the input and params files (within filelimit's limits) and
// returns the sandbox job and engine of o. Errors name the flag of
// `assay validator run` that holds the bad value.
func (o RunOptions) Job() (sandbox.Job, sandbox.Engine, error) {
	eng, ok := sandbox.ParseEngine(o.Engine)
	if !ok {
		return sandbox.Job{}, 0, fmt.Errorf("unknown engine %q", o.Engine)
	}
	t, err := fixture.ParseTime(o.Time)
	if err != nil {
		return sandbox.Job{}, 0, fmt.Errorf("--%w", err) // "--time "x": …"
	}
	in, err := filelimit.Read(o.Input, filelimit.Input)
	if err != nil {
		return sandbox.Job{}, 0, err
	}
	var params []byte
	if o.Params != "" {
		if params, err = filelimit.Read(o.Params, filelimit.Params); err != nil {
			return sandbox.Job{}, 0, err
		}
	}
	return sandbox.Job{
		Source: o.Source, Input: in, Params: params, Height: o.Height, Time: t,
		GasLimit: o.Gas, MaxOutput: o.MaxOutput, MemoryPages: o.MemoryPages,
	}, eng, nil
}
