package consumer

import (
	"errors"
	"fmt"
)

// Part names what a verification found wrong.
type Part string

// The parts of a verification, in the order they are checked.
const (
	// PartTrust: the trust root itself is unusable (bad genesis, a trust
	// hash that is not 32 bytes, an expired trust period…).
	PartTrust Part = "trust root"
	// PartUnavailable: a node or gateway did not answer, or does not hold
	// the height asked; nothing was shown false.
	PartUnavailable Part = "unavailable"
	// PartHeader: a header (or its commit or validator set) did not verify
	// from the trust root.
	PartHeader Part = "header"
	// PartProof: the ICS-23 proof does not prove the key and value against
	// the verified app hash.
	PartProof Part = "proof"
	// PartRecord: the record returned is not the value the proof commits
	// to, or not a dataset record of the source and round asked.
	PartRecord Part = "record"
	// PartBytes: the gateway's bytes do not match the proven output CID.
	PartBytes Part = "bytes"
	// PartAbsent: the chain proves there is no dataset of that source and
	// round (a verified answer, not a lie).
	PartAbsent Part = "absent"
)

// Sentinels for errors.Is, one per Part.
var (
	ErrTrust       = errors.New("consumer: unusable trust root")
	ErrUnavailable = errors.New("consumer: unavailable")
	ErrHeader      = errors.New("consumer: header not verified")
	ErrProof       = errors.New("consumer: proof does not verify")
	ErrRecord      = errors.New("consumer: record not proven")
	ErrBytes       = errors.New("consumer: bytes do not match the proven CID")
	ErrAbsent      = errors.New("consumer: dataset proven absent")
)

var sentinels = map[Part]error{PartTrust: ErrTrust, PartUnavailable: ErrUnavailable, PartHeader: ErrHeader,
	PartProof: ErrProof, PartRecord: ErrRecord, PartBytes: ErrBytes, PartAbsent: ErrAbsent}

// Error is a failed verification: which part failed, and why.
type Error struct {
	Part Part
	// Msg says precisely what was wrong (the height, node, key or CID).
	Msg string
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Part, e.Msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Part, e.Msg)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of e's Part.
func (e *Error) Is(target error) bool { return sentinels[e.Part] == target }

// fail builds an *Error.
func fail(p Part, err error, format string, args ...any) *Error {
	return &Error{Part: p, Msg: fmt.Sprintf(format, args...), Err: err}
}

// PartOf returns the Part of err's *Error, or "" when err is not one.
func PartOf(err error) Part {
	var e *Error
	if errors.As(err, &e) {
		return e.Part
	}
	return ""
}
