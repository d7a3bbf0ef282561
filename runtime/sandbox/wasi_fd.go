package sandbox

import (
	"context"
	"encoding/binary"

	"github.com/tetratelabs/wazero/api"
)

// The file-system calls a Go guest links as soon as it imports os. There
// is no file system: every descriptor but stdout and stderr is EBADF, and
// those two are write-only character devices.

// fdstatSize is the size of a WASI fdstat record.
const fdstatSize = 24

// Fields of the fdstat of stdout/stderr.
const (
	filetypeCharacterDevice = 2
	rightFdWrite            = 1 << 6
)

// fdFuncs are the descriptor calls beside fd_write.
func fdFuncs() []hostFunc {
	p1 := []api.ValueType{i32}
	p2 := []api.ValueType{i32, i32}
	p3 := []api.ValueType{i32, i32, i32}
	p4 := []api.ValueType{i32, i32, i32, i32}
	r1 := []api.ValueType{i32}
	return []hostFunc{
		{"fd_close", badf, p1, r1},
		{"fd_fdstat_get", fdFdstatGet, p2, r1},
		{"fd_fdstat_set_flags", fdFdstatSetFlags, p2, r1},
		{"fd_prestat_get", badf, p2, r1},
		{"fd_prestat_dir_name", badf, p3, r1},
		{"fd_read", badf, p4, r1},
		{"fd_seek", badf, []api.ValueType{i32, i64, i32, i32}, r1},
		{"fd_filestat_get", badf, p2, r1},
		{"path_open", badf, []api.ValueType{i32, i32, i32, i32, i32, i64, i64, i32, i32}, r1},
		{"path_filestat_get", badf, []api.ValueType{i32, i32, i32, i32, i32}, r1},
	}
}

// badf answers EBADF: the descriptor does not exist.
func badf(ctx context.Context, _ api.Module, stack []uint64) {
	state(ctx).charge(CostHostCall)
	stack[0] = errnoBadf
}

func isStdout(fd uint32) bool { return fd == 1 || fd == 2 }

// fdFdstatGet describes stdout and stderr as write-only character devices.
func fdFdstatGet(ctx context.Context, mod api.Module, stack []uint64) {
	state(ctx).charge(CostHostCall)
	fd, ptr := uint32(stack[0]), uint32(stack[1])
	if !isStdout(fd) {
		stack[0] = errnoBadf
		return
	}
	b := view(mod, ptr, fdstatSize)
	clear(b)
	b[0] = filetypeCharacterDevice
	binary.LittleEndian.PutUint64(b[8:], rightFdWrite)
	stack[0] = errnoSuccess
}

// fdFdstatSetFlags accepts (and ignores) flags on stdout and stderr.
func fdFdstatSetFlags(ctx context.Context, _ api.Module, stack []uint64) {
	state(ctx).charge(CostHostCall)
	if !isStdout(uint32(stack[0])) {
		stack[0] = errnoBadf
		return
	}
	stack[0] = errnoSuccess
}
