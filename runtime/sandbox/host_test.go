package sandbox

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/abi"
)

const (
	readParam = CostHostCall + 1 // the params_read of the selector byte
	hostCall  = CostHostCall
)

func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

// randBytes is the stream random_get must produce for a job.
func randBytes(source string, height int64, n int) []byte {
	r := newRandStream(source, height)
	b := make([]byte, n)
	r.read(b)
	return b
}

func TestHostABI(t *testing.T) {
	in := []byte("hello")
	tests := []struct {
		name    string
		sel     byte
		params  []byte // after the selector
		job     Job
		status  abi.Status
		kind    string
		output  []byte
		gas     uint64 // 0: not checked
		logHas  string
		logSize int // -1: not checked
	}{
		{"echo", 0, nil, Job{}, abi.StatusAccepted, "", in, readParam + hostCall + (hostCall + 5) + (hostCall + 5), "", 0},
		{"reject", 1, nil, Job{}, abi.StatusRejected, "", in, readParam + hostCall + (hostCall + 5) + (hostCall + 5), "", 0},
		{"unreachable", 2, nil, Job{}, abi.StatusFailed, "trap:unreachable", nil, readParam, "", 0},
		{"div0", 3, nil, Job{}, abi.StatusFailed, "trap:integer_divide_by_zero", nil, readParam, "", 0},
		{"overflow", 4, nil, Job{}, abi.StatusFailed, "trap:integer_overflow", nil, readParam, "", 0},
		{"nan-conversion", 5, nil, Job{}, abi.StatusFailed, "trap:invalid_conversion_to_integer", nil, readParam, "", 0},
		{"oob", 6, nil, Job{}, abi.StatusFailed, "trap:out_of_bounds_memory_access", nil, readParam, "", 0},
		{"indirect-type", 7, nil, Job{}, abi.StatusFailed, "trap:indirect_call_type_mismatch", nil, readParam, "", 0},
		{"table", 8, nil, Job{}, abi.StatusFailed, "trap:invalid_table_access", nil, readParam, "", 0},
		{"host-bounds", 9, nil, Job{}, abi.StatusFailed, "trap:host_bounds", nil, readParam + hostCall + 100, "", 0},
		{"output-limit", 10, nil, Job{MaxOutput: 12}, abi.StatusFailed, "output_limit", nil, readParam + hostCall + hostCall + 5 + 3*(hostCall+5), "", 0},
		{"output-fits", 10, nil, Job{MaxOutput: 500}, abi.StatusAccepted, "", bytes.Repeat(in, 100), readParam + hostCall + hostCall + 5 + 100*(hostCall+5), "", 0},
		{"log-cap", 11, nil, Job{MaxLog: 12}, abi.StatusAccepted, "", in, readParam + hostCall + hostCall + 5 + 101*(hostCall+5), "hellohellohe", 12},
		{"no-log", 11, nil, Job{MaxLog: -1}, abi.StatusAccepted, "", in, 0, "", 0},
		{"out-of-gas-host", 12, nil, Job{GasLimit: 10_000}, abi.StatusFailed, "out_of_gas", nil, 10_000, "", 0},
		{"proc-exit", 13, nil, Job{}, abi.StatusFailed, "trap:exit", nil, readParam + hostCall, "", 0},
		{"round", 14, nil, Job{Height: 77, Time: 1_700_000_000_123_456_789}, abi.StatusAccepted, "", cat(le64(77), le64(1_700_000_000_123_456_789)), readParam + 2*hostCall + hostCall + 16, "", 0},
		{"random", 15, nil, Job{Source: "src-1", Height: 9}, abi.StatusAccepted, "", randBytes("src-1", 9, 64), readParam + 2*hostCall + 64*CostRandomPerByte + hostCall + 64, "", 0},
		{"clock", 16, nil, Job{Time: 12345}, abi.StatusAccepted, "", cat(le64(12345), le64(MonotonicStart), le32(errnoInval)), 0, "", 0},
		{"fd-write", 17, nil, Job{}, abi.StatusAccepted, "", cat(le32(0), le32(5), le32(errnoBadf)), 0, "hello", 5},
		{"recursion", 18, nil, Job{}, abi.StatusFailed, "stack_limit", nil, readParam, "", 0},
		{"grow-ok", 19, []byte{2}, Job{}, abi.StatusAccepted, "", le32(1), 0, "", 0},
		{"grow-past-max", 19, []byte{9}, Job{}, abi.StatusAccepted, "", le32(0xffffffff), 0, "", 0},
		{"poll", 20, nil, Job{}, abi.StatusAccepted, "", cat(le32(0), le32(1), le64(0x1122334455667788), make([]byte, 24)), 0, "", 0},
		{"args", 21, nil, Job{}, abi.StatusAccepted, "", cat(le32(0), le32(0), le32(0)), 0, "", 0},
		{"params-offset", 22, []byte{0xaa, 0xbb, 0xcc}, Job{}, abi.StatusAccepted, "", cat(le32(2), []byte{0xbb, 0xcc}), 0, "", 0},
		{"default", 200, nil, Job{}, abi.StatusAccepted, "", []byte{}, readParam, "", 0},
	}
	for _, eng := range engines {
		rt := newRuntime(t, Config{Engine: eng})
		code := storeRaw(t, rt, "abi.wasm")
		for _, tt := range tests {
			t.Run(eng.String()+"/"+tt.name, func(t *testing.T) {
				job := tt.job
				job.Input = in
				job.Params = append([]byte{tt.sel}, tt.params...)
				if job.GasLimit == 0 {
					job.GasLimit = 1_000_000
				}
				res := rt.Run(context.Background(), code, job)
				checkResult(t, res, tt.status, tt.kind, tt.output, tt.gas)
				if tt.logHas != "" && !strings.Contains(string(res.Log), tt.logHas) {
					t.Errorf("log %q lacks %q", res.Log, tt.logHas)
				}
				if tt.logSize > 0 && len(res.Log) != tt.logSize {
					t.Errorf("log size %d, want %d", len(res.Log), tt.logSize)
				}
			})
		}
	}
}

// checkResult compares the verdict part of a Result.
func checkResult(t *testing.T, res Result, status abi.Status, kind string, output []byte, gas uint64) {
	t.Helper()
	if res.Status != status || res.Kind != kind {
		t.Fatalf("status %v kind %q (err %v), want %v %q", res.Status, res.Kind, res.Err, status, kind)
	}
	want := output
	switch status {
	case abi.StatusFailed:
		want = []byte(kind)
	case abi.StatusRejected:
		if res.Reason != string(output) {
			t.Errorf("reason %q, want %q", res.Reason, output)
		}
	}
	if !bytes.Equal(res.Output, want) {
		t.Errorf("output %x, want %x", res.Output, want)
	}
	if gas != 0 && res.GasUsed != gas {
		t.Errorf("gas used %d, want %d", res.GasUsed, gas)
	}
}
