package sandbox

import (
	"context"
	"math"

	"github.com/tetratelabs/wazero/api"
)

// gasCounter is the job's gas: the module's exported assay:gas global, or a
// host-side counter for a module without one (only possible before the
// rewriter adds it).
type gasCounter interface {
	Get() uint64
	Set(uint64)
}

// hostGas is a gasCounter kept on the Go side.
type hostGas struct{ v uint64 }

func (g *hostGas) Get() uint64  { return g.v }
func (g *hostGas) Set(v uint64) { g.v = v }

// jobState is what the host functions of one job see. It travels in the
// context of the guest call and is touched by one goroutine only.
type jobState struct {
	job    *Job
	gas    gasCounter
	out    []byte
	log    []byte
	reason []byte
	rng    randStream
	mono   uint64 // the virtual monotonic clock, ns
	// monoBase is the monotonic clock when the job started: the realtime
	// clock reads job.Time + (mono - monoBase).
	monoBase uint64

	init     bool   // pre-initialization, not a job: job-only host functions trap
	initCall string // the job-only host function called during pre-initialization
}

type stateKey struct{}

func withState(ctx context.Context, s *jobState) context.Context {
	return context.WithValue(ctx, stateKey{}, s)
}

// state returns the job state of a host call; a call without one (which the
// sandbox never makes) traps.
func state(ctx context.Context) *jobState {
	s, _ := ctx.Value(stateKey{}).(*jobState)
	if s == nil {
		panic(trapError{kind: trapUnknown})
	}
	return s
}

// charge takes cost gas before a host function does any work; with too
// little gas left it sets the gas to -1 and traps (out_of_gas).
func (s *jobState) charge(cost uint64) {
	left := int64(s.gas.Get())
	if cost > math.MaxInt64 || left < int64(cost) {
		s.gas.Set(uint64(math.MaxUint64)) // -1 as i64
		panic(trapError{kind: trapOutOfGas})
	}
	s.gas.Set(uint64(left - int64(cost)))
}

// chargeBytes charges the base cost plus per bytes.
func (s *jobState) chargeBytes(n, per uint64) {
	s.charge(CostHostCall + n*per)
}

// view returns guest memory [ptr, ptr+n) or traps with host_bounds.
func view(mod api.Module, ptr, n uint32) []byte {
	mem := mod.Memory()
	if mem == nil {
		if n == 0 {
			return nil
		}
		panic(trapError{kind: trapHostBounds})
	}
	b, ok := mem.Read(ptr, n)
	if !ok {
		panic(trapError{kind: trapHostBounds})
	}
	return b
}
