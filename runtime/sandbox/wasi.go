package sandbox

import (
	"context"
	"encoding/binary"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// WASI preview1 errno values the subset returns.
const (
	errnoSuccess = 0
	errnoBadf    = 8
	errnoInval   = 28
)

// ClockResolution is what clock_res_get reports, in nanoseconds.
const ClockResolution = 1000

// wasiModule builds the deterministic "wasi_snapshot_preview1" subset
// (docs/abi.md): no files, no sockets, empty args and environment, clocks
// at the round time, a seeded random stream, stdout/stderr to the log.
func wasiModule(rt wazero.Runtime) wazero.HostModuleBuilder {
	p2 := []api.ValueType{i32, i32}
	p4 := []api.ValueType{i32, i32, i32, i32}
	r1 := []api.ValueType{i32}
	return build(rt.NewHostModuleBuilder(abi.WASIModule), append([]hostFunc{
		{"args_get", emptyGet, p2, r1},
		{"args_sizes_get", emptySizes, p2, r1},
		{"environ_get", emptyGet, p2, r1},
		{"environ_sizes_get", emptySizes, p2, r1},
		{"clock_time_get", clockTimeGet, []api.ValueType{i32, i64, i32}, r1},
		{"clock_res_get", clockResGet, p2, r1},
		{"fd_write", fdWrite, p4, r1},
		{"random_get", randomGet, p2, r1},
		{"poll_oneoff", pollOneoff, p4, r1},
		{"sched_yield", schedYield, nil, r1},
		{"proc_exit", procExit, []api.ValueType{i32}, nil},
	}, fdFuncs()...))
}

// emptyGet is args_get/environ_get: there is nothing to copy.
func emptyGet(ctx context.Context, _ api.Module, stack []uint64) {
	state(ctx).charge(CostHostCall)
	stack[0] = errnoSuccess
}

// emptySizes is args_sizes_get/environ_sizes_get: zero entries, zero bytes.
func emptySizes(ctx context.Context, mod api.Module, stack []uint64) {
	state(ctx).charge(CostHostCall)
	binary.LittleEndian.PutUint32(view(mod, uint32(stack[0]), 4), 0)
	binary.LittleEndian.PutUint32(view(mod, uint32(stack[1]), 4), 0)
	stack[0] = errnoSuccess
}

// MonotonicStart is the monotonic clock at the start of every job, in
// nanoseconds (Go's runtime refuses a zero clock).
const MonotonicStart = 1_000_000_000

// Clock ids of WASI preview1.
const (
	clockRealtime  = 0
	clockMaxID     = 3 // monotonic, process and thread read the monotonic clock
	clockAbstime   = 1 // subclockflags: the timeout is absolute
	eventTypeClock = 0
)

// clockTimeGet reads the job's virtual clocks: realtime is the round time
// plus the virtual time slept; the others are the monotonic clock, which
// starts at MonotonicStart and only poll_oneoff advances.
func clockTimeGet(ctx context.Context, mod api.Module, stack []uint64) {
	s := state(ctx)
	s.charge(CostHostCall)
	id, ptr := uint32(stack[0]), uint32(stack[2])
	if id > clockMaxID {
		stack[0] = errnoInval
		return
	}
	v := s.mono
	if id == clockRealtime {
		v = uint64(s.job.Time) + (s.mono - s.monoBase)
	}
	binary.LittleEndian.PutUint64(view(mod, ptr, 8), v)
	stack[0] = errnoSuccess
}

func clockResGet(ctx context.Context, mod api.Module, stack []uint64) {
	state(ctx).charge(CostHostCall)
	id, ptr := uint32(stack[0]), uint32(stack[1])
	if id > clockMaxID {
		stack[0] = errnoInval
		return
	}
	binary.LittleEndian.PutUint64(view(mod, ptr, 8), ClockResolution)
	stack[0] = errnoSuccess
}

// fdWrite sends fd 1 and 2 to the capped log; other descriptors are EBADF.
func fdWrite(ctx context.Context, mod api.Module, stack []uint64) {
	s := state(ctx)
	fd, iovs, n, nwritten := uint32(stack[0]), uint32(stack[1]), uint32(stack[2]), uint32(stack[3])
	s.charge(CostHostCall + uint64(n)*CostPerIovec)
	if fd != 1 && fd != 2 {
		stack[0] = errnoBadf
		return
	}
	if uint64(n)*8 > 1<<32 {
		panic(trapError{kind: trapHostBounds})
	}
	vec := view(mod, iovs, n*8)
	total := uint32(0)
	for i := uint32(0); i < n; i++ {
		ptr := binary.LittleEndian.Uint32(vec[i*8:])
		l := binary.LittleEndian.Uint32(vec[i*8+4:])
		s.charge(uint64(l) * CostPerByte)
		s.appendLog(view(mod, ptr, l))
		total += l
	}
	binary.LittleEndian.PutUint32(view(mod, nwritten, 4), total)
	stack[0] = errnoSuccess
}

// randomGet fills the buffer from the job's deterministic stream.
func randomGet(ctx context.Context, mod api.Module, stack []uint64) {
	s := state(ctx)
	ptr, n := uint32(stack[0]), uint32(stack[1])
	s.chargeBytes(uint64(n), CostRandomPerByte)
	s.rng.read(view(mod, ptr, n))
	stack[0] = errnoSuccess
}

// Sizes of the poll_oneoff records.
const (
	subscriptionSize = 48
	eventSize        = 32
)

// pollOneoff answers every subscription at once: each clock expires and
// each fd is ready, in order, so a guest's sleep returns immediately. The
// monotonic clock jumps to the latest clock deadline, so the sleep looks
// complete to the guest.
func pollOneoff(ctx context.Context, mod api.Module, stack []uint64) {
	s := state(ctx)
	in, out, n, neventsPtr := uint32(stack[0]), uint32(stack[1]), uint32(stack[2]), uint32(stack[3])
	s.charge(CostHostCall + uint64(n)*CostPerSubscription)
	if n == 0 {
		stack[0] = errnoInval
		return
	}
	if uint64(n)*subscriptionSize > 1<<32 {
		panic(trapError{kind: trapHostBounds})
	}
	subs := view(mod, in, n*subscriptionSize)
	events := view(mod, out, n*eventSize)
	for i := uint32(0); i < n; i++ {
		sub := subs[i*subscriptionSize:]
		userdata, tag := binary.LittleEndian.Uint64(sub[0:8]), sub[8]
		if tag == eventTypeClock {
			s.advance(binary.LittleEndian.Uint64(sub[24:32]), binary.LittleEndian.Uint16(sub[40:42])&clockAbstime != 0)
		}
		ev := events[i*eventSize : (i+1)*eventSize]
		clear(ev)
		binary.LittleEndian.PutUint64(ev[0:8], userdata)
		ev[10] = tag // event type = subscription type; errno 0
	}
	binary.LittleEndian.PutUint32(view(mod, neventsPtr, 4), n)
	stack[0] = errnoSuccess
}

// advance moves the monotonic clock to a clock subscription's deadline.
func (s *jobState) advance(timeout uint64, absolute bool) {
	deadline := s.mono + timeout
	if absolute {
		deadline = timeout
	}
	if deadline > s.mono && deadline-s.mono < 1<<62 { // never backwards, never wrap
		s.mono = deadline
	}
}

func schedYield(ctx context.Context, _ api.Module, stack []uint64) {
	state(ctx).charge(CostHostCall)
	stack[0] = errnoSuccess
}

// procExit ends the job: FAILED trap:exit, whatever the code.
func procExit(ctx context.Context, _ api.Module, stack []uint64) {
	state(ctx).charge(CostHostCall)
	panic(trapError{kind: trapExit})
}
