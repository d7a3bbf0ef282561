//go:build !wasip1

package assay

import (
	"fmt"

	"github.com/assaynet/assay/runtime/abi"
)

// Job is one run of the registered validator program in process (tests only; the
// sandbox runs the real module).
type Job struct {
	Input  []byte
	Params []byte
	Round  Round
}

// Result is what a native run produced, shaped like the sandbox's result.
type Result struct {
	// Status is ACCEPTED, REJECTED or FAILED (the handler panicked).
	Status abi.Status
	// Output is the accepted output; for REJECTED, the reason bytes.
	Output []byte
	// Reason is the rejection reason or the panic text.
	Reason string
	// Log holds the lines written with Logf, each ending in a newline.
	Log []byte
}

// Exec runs the validator program registered with Validate or Handle on job, in
// process, and returns its verdict. It is the native stand-in for the
// sandbox so that a program's logic runs under `go test`; it does not meter
// gas or enforce limits.
func Exec(job Job) (res Result) {
	h := &nativeHost{job: job}
	defer func() {
		if p := recover(); p != nil {
			res = Result{Status: abi.StatusFailed, Reason: fmt.Sprintf("panic: %v", p), Log: h.logs}
		}
	}()
	runJob(h)
	if h.rejected {
		return Result{Status: abi.StatusRejected, Output: []byte(h.reason), Reason: h.reason, Log: h.logs}
	}
	return Result{Status: abi.StatusAccepted, Output: h.out, Log: h.logs}
}

// nativeHost serves a Job from memory.
type nativeHost struct {
	job      Job
	out      []byte
	logs     []byte
	rejected bool
	reason   string
}

func (h *nativeHost) inputLen() int { return len(h.job.Input) }
func (h *nativeHost) inputRead(dst []byte, off int) int {
	return copyAt(dst, h.job.Input, off)
}
func (h *nativeHost) paramsLen() int { return len(h.job.Params) }
func (h *nativeHost) paramsRead(dst []byte, off int) int {
	return copyAt(dst, h.job.Params, off)
}
func (h *nativeHost) round() Round         { return h.job.Round }
func (h *nativeHost) outputWrite(p []byte) { h.out = append(h.out, p...) }
func (h *nativeHost) reject(reason []byte) {
	if !h.rejected {
		h.rejected, h.reason = true, string(reason)
	}
}
func (h *nativeHost) log(msg []byte) {
	h.logs = append(append(h.logs, msg...), '\n')
}

func copyAt(dst, src []byte, off int) int {
	if off < 0 || off >= len(src) {
		return 0
	}
	return copy(dst, src[off:])
}
