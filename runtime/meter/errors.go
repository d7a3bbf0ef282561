package meter

import (
	"errors"
	"fmt"
)

// Sentinel errors; every *Error matches exactly one with errors.Is.
var (
	// ErrMalformed: the bytes are not a well-formed WebAssembly binary.
	ErrMalformed = errors.New("meter: malformed module")
	// ErrInvalid: well-formed but invalid (an index out of range, ...).
	// wazero validates the rest after the rewrite; the checker catches what
	// the rewrite would otherwise make valid (the appended globals and locals).
	ErrInvalid = errors.New("meter: invalid module")
	// ErrLimit: a static cap (size, locals, nesting, ...) is exceeded.
	ErrLimit = errors.New("meter: limit exceeded")
	// ErrForbidden: a feature outside validator ABI v1 (SIMD, threads,
	// reference types, table instructions, start section, ...).
	ErrForbidden = errors.New("meter: forbidden feature")
	// ErrImport: an import outside the allow-list or with a wrong signature.
	ErrImport = errors.New("meter: import not allowed")
	// ErrExport: a required export is missing or an export is reserved.
	ErrExport = errors.New("meter: bad exports")
)

// Error says what is wrong with a module and where.
type Error struct {
	Kind  error  // one of the sentinels above
	Where string // e.g. "function 12", "import 3", "section 11"
	What  string // e.g. "70000 locals exceeds limit 1024"
}

func (e *Error) Error() string {
	if e.Where == "" {
		return e.What
	}
	return e.Where + ": " + e.What
}

// Is reports whether target is the sentinel of this error's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

func errorf(kind error, where, format string, args ...any) *Error {
	return &Error{Kind: kind, Where: where, What: fmt.Sprintf(format, args...)}
}

func malformed(where, format string, args ...any) *Error {
	return errorf(ErrMalformed, where, format, args...)
}

func funcWhere(idx int) string { return fmt.Sprintf("function %d", idx) }
