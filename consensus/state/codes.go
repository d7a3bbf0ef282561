package state

import (
	"errors"
	"fmt"
)

// Code is an ABCI result code. The values are stable and append-only;
// docs/protocol.md tables them.
type Code uint32

// Result codes.
const (
	CodeOK           Code = 0  // success
	CodeDecode       Code = 1  // the tx bytes are not a valid Tx envelope/body
	CodeTooLarge     Code = 2  // the tx exceeds max_tx_bytes
	CodeSignature    Code = 3  // the signature does not verify for this chain
	CodeSequence     Code = 4  // the sequence is not the signer's next one
	CodeInvalid      Code = 5  // a field fails validation
	CodeUnauthorized Code = 6  // the signer may not do this
	CodeNotFound     Code = 7  // a referenced source, code, round or validator does not exist
	CodeExists       Code = 8  // the code or source already exists
	CodeWasm         Code = 9  // the Wasm module fails the store-time check
	CodeJailed       Code = 10 // unjail refused: not jailed, tombstoned, or too early
	CodeNoEntry      Code = 11 // no entry of a commit/reveal batch applied
	CodeInternal     Code = 12 // a storage error (the node logs it)
)

// Error is a tx failure with its result code.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Is lets errors.Is match any *Error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

func fail(code Code, format string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// CodeOf returns the result code of err: CodeOK for nil, the code of an
// *Error, CodeInternal for anything else.
func CodeOf(err error) Code {
	if err == nil {
		return CodeOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
