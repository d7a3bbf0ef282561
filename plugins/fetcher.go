package plugins

import (
	"context"
	"io"

	"github.com/assaynet/assay/plugins/spec"
)

// FetchSpec is a source's fetch spec: a kind and its JSON config whose
// string values may hold templates. It is spec.FetchSpec.
type FetchSpec = spec.FetchSpec

// Round holds the round variables of a fetch: source id, height, time
// (unix ns) and the source's window (seconds). It is spec.Round.
type Round = spec.Round

// Request is one fetch as a Fetcher sees it.
type Request struct {
	// Kind is the source kind, one of those Kinds returned.
	Kind string
	// Config is the source's fetch config, a JSON object with every
	// template already expanded for Round.
	Config []byte
	// Round are the round variables.
	Round Round
	// MaxBytes is the host's byte cap for this fetch; the host stops
	// reading past it, and a fetcher may stop early.
	MaxBytes int64
}

// Fetcher fetches source inputs. Plugin binaries implement it and pass it
// to Serve; built-in fetchers implement it in process. Methods must honour
// ctx: the host cancels it at the fetch timeout.
type Fetcher interface {
	// Kinds lists the source kinds this fetcher serves.
	Kinds(ctx context.Context) ([]string, error)
	// Fetch returns a reader of the input; the caller reads it (up to
	// req.MaxBytes + 1 bytes) and closes it.
	Fetch(ctx context.Context, req Request) (io.ReadCloser, error)
}
