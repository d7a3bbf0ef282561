package assay

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Round identifies the round a job belongs to: the block height that
// assigned it and that block's time.
type Round struct {
	// Height is the block height of the round.
	Height int64
	// TimeNanos is the block time in unix nanoseconds.
	TimeNanos int64
}

// Time returns the round's block time in UTC.
func (r Round) Time() time.Time { return time.Unix(0, r.TimeNanos).UTC() }

// Unix returns the round's block time in whole unix seconds (rounded down).
func (r Round) Unix() int64 {
	s := r.TimeNanos / 1e9
	if r.TimeNanos < 0 && r.TimeNanos%1e9 != 0 {
		s--
	}
	return s
}

// Rejection is the error that rejects the input with a reason. Any error a
// handler returns rejects; Rejection only makes the intent explicit.
type Rejection struct {
	// Reason is the text recorded as the REJECTED verdict's output.
	Reason string
}

// Error returns the reason.
func (r *Rejection) Error() string { return r.Reason }

// Reject returns a *Rejection whose reason is fmt.Sprintf(format, args...).
//
//	return assay.Reject("price %d below floor %d", p, floor)
func Reject(format string, args ...any) error {
	return &Rejection{Reason: fmt.Sprintf(format, args...)}
}

// Rejectf is Reject; the name says that it formats.
func Rejectf(format string, args ...any) error {
	return &Rejection{Reason: fmt.Sprintf(format, args...)}
}

// IsRejection reports whether err is (or wraps) a *Rejection.
func IsRejection(err error) bool {
	var r *Rejection
	return errors.As(err, &r)
}

// Input is one job as the validator program sees it: the fetched input, the
// source's params, the round, and the output being written.
type Input struct {
	h      host
	data   []byte
	loaded bool
	params []byte
	pload  bool
	out    outBuf
}

// Len returns the input's length in bytes without reading it.
func (in *Input) Len() int { return in.h.inputLen() }

// Bytes returns the whole input, read from the host on first use.
func (in *Input) Bytes() []byte {
	if !in.loaded {
		in.data = readAll(in.h.inputLen(), in.h.inputRead)
		in.loaded = true
	}
	return in.data
}

// Reader returns a reader over the input that copies it from the host in
// chunks, for inputs too large to hold twice.
func (in *Input) Reader() io.Reader {
	return &hostReader{n: in.h.inputLen(), read: in.h.inputRead}
}

// Params returns the source's static params (often JSON; may be empty).
func (in *Input) Params() []byte {
	if !in.pload {
		in.params = readAll(in.h.paramsLen(), in.h.paramsRead)
		in.pload = true
	}
	return in.params
}

// ParamsJSON decodes the params as one JSON value into v, rejecting
// unknown object fields. Its error is a *Rejection saying what is wrong, so
// a handler can return it as is.
func (in *Input) ParamsJSON(v any) error {
	return DecodeParams(in.Params(), v)
}

// Round returns the job's round.
func (in *Input) Round() Round { return in.h.round() }

// Write appends p to the output. It never fails before the host's output
// limit; past the limit the run FAILS with output_limit.
func (in *Input) Write(p []byte) (int, error) { return in.out.Write(p) }

// WriteString appends s to the output.
func (in *Input) WriteString(s string) (int, error) { return in.out.Write([]byte(s)) }

// Logf writes a debug line to the job's log. Logs are capped by the host
// and never part of consensus.
func (in *Input) Logf(format string, args ...any) {
	in.h.log([]byte(fmt.Sprintf(format, args...)))
}

// DecodeParams is Input.ParamsJSON for raw params bytes, for validator programs
// written with Handle.
func DecodeParams(p []byte, v any) error {
	if len(p) == 0 {
		return Reject("params: empty, want JSON")
	}
	dec := json.NewDecoder(bytesReader(p))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Reject("params: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Reject("params: trailing data after the JSON value")
	}
	return nil
}
