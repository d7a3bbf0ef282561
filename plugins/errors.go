package plugins

import (
	"errors"
	"fmt"
)

// Reason says why a fetch failed. A Reason is an error, so
// errors.Is(err, plugins.ReasonCrash) tells whether a *FetchError has that
// reason.
type Reason string

// Reasons a fetch fails for.
const (
	// ReasonUnknownKind: no built-in fetcher or plugin serves the kind.
	ReasonUnknownKind Reason = "unknown_kind"
	// ReasonConfig: the fetch config is malformed or a template failed.
	ReasonConfig Reason = "bad_config"
	// ReasonStart: the plugin could not be started (checksum mismatch,
	// protocol version, exited or printed garbage before the handshake).
	ReasonStart Reason = "start_failed"
	// ReasonRestarting: the plugin failed recently and waits out its
	// restart backoff.
	ReasonRestarting Reason = "restarting"
	// ReasonCrash: the plugin process exited during the fetch.
	ReasonCrash Reason = "crash"
	// ReasonTimeout: the fetch did not finish within the timeout.
	ReasonTimeout Reason = "timeout"
	// ReasonByteCap: the input is larger than the byte cap.
	ReasonByteCap Reason = "byte_cap"
	// ReasonGarbage: the plugin broke the protocol (bad checksum, size,
	// unterminated or oversized stream).
	ReasonGarbage Reason = "garbage"
	// ReasonFailed: the fetcher reported an error (upstream down, 404…).
	ReasonFailed Reason = "fetch_failed"
	// ReasonClosed: the manager is closed.
	ReasonClosed Reason = "closed"
)

// Error returns the reason's name.
func (r Reason) Error() string { return string(r) }

// BuiltinName is the Plugin field of errors from in-process fetchers.
const BuiltinName = "builtin"

// FetchError is the error of a failed fetch.
type FetchError struct {
	// Plugin names the plugin, or BuiltinName.
	Plugin string
	// Kind is the requested kind.
	Kind string
	// Reason classifies the failure.
	Reason Reason
	// Err is the underlying error.
	Err error
}

// Error reads like `plugins: plugin "eth" (kind eth_block): crash: ...`.
func (e *FetchError) Error() string {
	who := fmt.Sprintf("plugin %q", e.Plugin)
	switch e.Plugin {
	case BuiltinName:
		who = "built-in fetcher"
	case "":
		who = "fetch"
	}
	if e.Err == nil {
		return fmt.Sprintf("plugins: %s (kind %s): %s", who, e.Kind, e.Reason)
	}
	return fmt.Sprintf("plugins: %s (kind %s): %s: %v", who, e.Kind, e.Reason, e.Err)
}

// Unwrap returns the underlying error.
func (e *FetchError) Unwrap() error { return e.Err }

// Is matches a Reason.
func (e *FetchError) Is(target error) bool {
	r, ok := target.(Reason)
	return ok && r == e.Reason
}

// errGarbage marks protocol violations found while reading a stream.
var errGarbage = errors.New("protocol violation")

// ErrTooLarge is the error a Fetcher returns (wrapped) when it knows the
// input is larger than Request.MaxBytes; the host reports ReasonByteCap.
var ErrTooLarge = errors.New("input larger than the byte cap")
