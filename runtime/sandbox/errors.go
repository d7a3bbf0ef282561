package sandbox

import "errors"

// Errors returned by Store and carried in Result.Err.
var (
	// ErrModuleTooLarge: a (decompressed) module exceeds Limits.MaxModuleBytes.
	ErrModuleTooLarge = errors.New("sandbox: module too large")
	// ErrCompile: wazero rejected the rewritten module.
	ErrCompile = errors.New("sandbox: compile")
	// ErrClosed: the Runtime was closed.
	ErrClosed = errors.New("sandbox: runtime closed")
	// ErrMemoryPages: a job asked for more memory pages than the node allows.
	ErrMemoryPages = errors.New("sandbox: job memory pages exceed node maximum")
	// ErrGasLimit: a job asked for more gas than the node allows.
	ErrGasLimit = errors.New("sandbox: job gas limit exceeds node maximum")
	// ErrForeignCode: the Code was stored in another Runtime.
	ErrForeignCode = errors.New("sandbox: code from another runtime")
	// ErrEvicted: the Code was evicted from its Runtime.
	ErrEvicted = errors.New("sandbox: code evicted")
	// ErrUnavailable: the job did not finish (wall-clock timeout, canceled
	// context, node error). It is never a verdict on the data.
	ErrUnavailable = errors.New("sandbox: job unavailable")
)
