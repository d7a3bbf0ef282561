package sandbox

import (
	"context"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

var (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// hostFunc is one host function with its wasm signature.
type hostFunc struct {
	name            string
	fn              api.GoModuleFunc
	params, results []api.ValueType
}

// assayModule builds the "assay" host module (docs/abi.md).
func assayModule(rt wazero.Runtime) wazero.HostModuleBuilder {
	return build(rt.NewHostModuleBuilder(abi.Module), []hostFunc{
		{abi.FnInputLen, jobOnly(abi.FnInputLen, inputLen), nil, []api.ValueType{i32}},
		{abi.FnInputRead, jobOnly(abi.FnInputRead, inputRead), []api.ValueType{i32, i32, i32}, []api.ValueType{i32}},
		{abi.FnParamsLen, jobOnly(abi.FnParamsLen, paramsLen), nil, []api.ValueType{i32}},
		{abi.FnParamsRead, jobOnly(abi.FnParamsRead, paramsRead), []api.ValueType{i32, i32, i32}, []api.ValueType{i32}},
		{abi.FnRoundHeight, jobOnly(abi.FnRoundHeight, roundHeight), nil, []api.ValueType{i64}},
		{abi.FnRoundTime, jobOnly(abi.FnRoundTime, roundTime), nil, []api.ValueType{i64}},
		{abi.FnOutputWrite, jobOnly(abi.FnOutputWrite, outputWrite), []api.ValueType{i32, i32}, nil},
		{abi.FnReject, jobOnly(abi.FnReject, reject), []api.ValueType{i32, i32}, nil},
		{abi.FnLog, logMsg, []api.ValueType{i32, i32}, nil},
	})
}

// jobOnly wraps a host function that reads or answers the job: during
// pre-initialization (docs/abi.md, "Pre-initialization") there is no job,
// and calling it ends _initialize, which rejects the code.
func jobOnly(name string, fn api.GoModuleFunc) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		if s := state(ctx); s.init {
			s.initCall = abi.Module + "." + name
			panic(trapError{kind: trapInitHost})
		}
		fn(ctx, mod, stack)
	}
}

func build(b wazero.HostModuleBuilder, fns []hostFunc) wazero.HostModuleBuilder {
	for _, f := range fns {
		b = b.NewFunctionBuilder().WithGoModuleFunction(f.fn, f.params, f.results).Export(f.name)
	}
	return b
}

func inputLen(ctx context.Context, _ api.Module, stack []uint64) {
	s := state(ctx)
	s.charge(CostHostCall)
	stack[0] = uint64(len(s.job.Input))
}

func paramsLen(ctx context.Context, _ api.Module, stack []uint64) {
	s := state(ctx)
	s.charge(CostHostCall)
	stack[0] = uint64(len(s.job.Params))
}

func inputRead(ctx context.Context, mod api.Module, stack []uint64) {
	s := state(ctx)
	stack[0] = uint64(readInto(s, mod, s.job.Input, stack))
}

func paramsRead(ctx context.Context, mod api.Module, stack []uint64) {
	s := state(ctx)
	stack[0] = uint64(readInto(s, mod, s.job.Params, stack))
}

// readInto implements input_read/params_read(dst, offset, len) -> copied:
// it charges for the bytes it will copy, checks that [dst, dst+len) lies in
// memory, and copies min(len, size-offset) bytes.
func readInto(s *jobState, mod api.Module, src []byte, stack []uint64) uint32 {
	dst, off, n := uint32(stack[0]), uint32(stack[1]), uint32(stack[2])
	avail := uint32(0)
	if uint64(off) < uint64(len(src)) {
		avail = uint32(len(src)) - off
	}
	copied := min(n, avail)
	s.chargeBytes(uint64(copied), CostPerByte)
	mem := view(mod, dst, n)
	if copied > 0 {
		copy(mem, src[off:off+copied])
	}
	return copied
}

func roundHeight(ctx context.Context, _ api.Module, stack []uint64) {
	s := state(ctx)
	s.charge(CostHostCall)
	stack[0] = uint64(s.job.Height)
}

func roundTime(ctx context.Context, _ api.Module, stack []uint64) {
	s := state(ctx)
	s.charge(CostHostCall)
	stack[0] = uint64(s.job.Time)
}

// outputWrite appends to the output; past MaxOutput the job fails with
// output_limit.
func outputWrite(ctx context.Context, mod api.Module, stack []uint64) {
	s := state(ctx)
	ptr, n := uint32(stack[0]), uint32(stack[1])
	s.chargeBytes(uint64(n), CostPerByte)
	if uint64(len(s.out))+uint64(n) > uint64(s.job.MaxOutput) {
		panic(trapError{kind: trapOutputLimit})
	}
	s.out = append(s.out, view(mod, ptr, n)...)
}

// reject ends the job REJECTED with the message as reason. A reason longer
// than MaxOutput fails the job with output_limit.
func reject(ctx context.Context, mod api.Module, stack []uint64) {
	s := state(ctx)
	ptr, n := uint32(stack[0]), uint32(stack[1])
	s.chargeBytes(uint64(n), CostPerByte)
	if uint64(n) > uint64(s.job.MaxOutput) {
		panic(trapError{kind: trapOutputLimit})
	}
	s.reason = append([]byte{}, view(mod, ptr, n)...)
	panic(trapError{kind: trapReject})
}

// logMsg appends debug text to the log, silently capped at MaxLog.
func logMsg(ctx context.Context, mod api.Module, stack []uint64) {
	s := state(ctx)
	ptr, n := uint32(stack[0]), uint32(stack[1])
	s.chargeBytes(uint64(n), CostPerByte)
	s.appendLog(view(mod, ptr, n))
}

// appendLog appends b to the log up to the job's MaxLog.
func (s *jobState) appendLog(b []byte) {
	room := s.job.MaxLog - len(s.log)
	if room <= 0 {
		return
	}
	if len(b) > room {
		b = b[:room]
	}
	s.log = append(s.log, b...)
}
