package sandbox

import (
	"github.com/tetratelabs/wazero/experimental"
)

// memoryPool backs guests' linear memories with buffers reused from job
// to job. wazero's default memory grows by appending to its []byte, which
// copies the whole memory at each memory.grow; a Go guest grows its
// memory several times per job, and those copies were half of its job
// time. A pooled buffer has the capacity of the largest memory a job may
// have, so growing never copies, and the pages a job touched stay mapped
// for the next one.
//
// Every buffer handed out is all zero: Free clears what its job could
// have written (up to the largest length it was given) before pooling
// it. The pool is not used with Config.Interrupt, where a module can be
// closed — and its memory freed — while its code still runs.
type memoryPool struct {
	size uint64      // bytes of every pooled buffer
	free chan []byte // idle buffers, all zero
}

// newMemoryPool keeps up to keep idle buffers of size bytes.
func newMemoryPool(size uint64, keep int) *memoryPool {
	return &memoryPool{size: size, free: make(chan []byte, keep)}
}

// Allocate implements experimental.MemoryAllocator.
func (p *memoryPool) Allocate(_, max uint64) experimental.LinearMemory {
	if max > p.size { // cannot happen under the runtime's memory limit
		return &linearMemory{buf: make([]byte, 0, max)}
	}
	var buf []byte
	select {
	case buf = <-p.free:
	default:
		buf = make([]byte, p.size)
	}
	return &linearMemory{pool: p, buf: buf[:0]}
}

// linearMemory is one guest memory: a prefix of a buffer that never moves.
type linearMemory struct {
	pool *memoryPool // nil: not pooled
	buf  []byte
	high uint64 // the largest length handed out: what the guest could write
}

// Reallocate implements experimental.LinearMemory: it grows in place, or
// returns nil past the buffer's capacity.
func (m *linearMemory) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		return nil
	}
	m.buf = m.buf[:size]
	m.high = max(m.high, size)
	return m.buf
}

// Free implements experimental.LinearMemory: the buffer goes back to the
// pool, cleared, if the pool has room.
func (m *linearMemory) Free() {
	if m.pool == nil || m.buf == nil {
		return
	}
	clear(m.buf[:m.high])
	select {
	case m.pool.free <- m.buf[:0]:
	default:
	}
	m.buf = nil
}
