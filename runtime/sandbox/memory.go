package sandbox

import (
	"github.com/tetratelabs/wazero/experimental"
)

// memoryPool backs guests' linear memories with buffers reused from job
// to job. wazero's default memory grows by appending exactly the pages
// asked for, which copies the whole memory at every memory.grow; a Go
// guest grows its memory several times per job, and those copies were
// half of its job time. A linearMemory at least doubles its capacity when
// it must move, and its buffer goes back to the pool with the capacity it
// reached, so the next job of the same guest grows without copying.
//
// Every buffer handed out is all zero: Free clears what its job could
// have written (up to the largest length it was given) before pooling
// it. The pool is not used with Config.Interrupt, where a module can be
// closed — and its memory freed — while its code still runs.
type memoryPool struct {
	free chan []byte // idle buffers, all zero, len 0
}

// Pool limits: idle buffers kept, and the largest capacity kept (a guest
// that used more memory gives its buffer back to the garbage collector).
const (
	memoryPoolKeep    = 16
	memoryPoolMaxKeep = 16 << 20
	minMemoryCap      = 1 << 16 // one page
)

func newMemoryPool() *memoryPool {
	return &memoryPool{free: make(chan []byte, memoryPoolKeep)}
}

// Allocate implements experimental.MemoryAllocator.
func (p *memoryPool) Allocate(capacity, limit uint64) experimental.LinearMemory {
	m := &linearMemory{pool: p, limit: limit}
	select {
	case m.buf = <-p.free:
	default:
		m.buf = make([]byte, 0, min(max(capacity, minMemoryCap), limit))
	}
	return m
}

// linearMemory is one guest memory.
type linearMemory struct {
	pool  *memoryPool
	buf   []byte
	limit uint64 // the most bytes it may ever hold
	high  uint64 // the largest length handed out: what the guest could write
}

// Reallocate implements experimental.LinearMemory: it grows in place when
// the capacity allows, else moves to a buffer of at least twice the
// capacity; nil past the limit.
func (m *linearMemory) Reallocate(size uint64) []byte {
	if size > m.limit {
		return nil
	}
	if size > uint64(cap(m.buf)) {
		grown := make([]byte, len(m.buf), min(max(size, 2*uint64(cap(m.buf))), m.limit))
		copy(grown, m.buf)
		m.buf = grown
	}
	m.buf = m.buf[:size]
	m.high = max(m.high, size)
	return m.buf
}

// Free implements experimental.LinearMemory: the buffer goes back to the
// pool, cleared, if the pool has room and it is not too large.
func (m *linearMemory) Free() {
	if m.buf == nil {
		return
	}
	buf := m.buf
	m.buf = nil
	if cap(buf) > memoryPoolMaxKeep {
		return
	}
	clear(buf[:m.high])
	select {
	case m.pool.free <- buf[:0]:
	default:
	}
}
