package authoring

import (
	"context"
	"errors"
	"fmt"

	"github.com/assaynet/assay/internal/filelimit"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
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
