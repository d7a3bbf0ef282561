// Package httpfetch is the built-in "http" fetcher: one HTTP GET or POST
// per fetch, with templated URL, headers and body (expanded by the
// Manager), bounded retries with jittered backoff on 5xx, 429 and
// connection errors, and a capped number of redirects.
//
// Every address the fetcher dials — after DNS resolution, and again for
// each redirect — is checked against a deny list of loopback, private,
// link-local, shared, multicast and other special-purpose ranges
// (DeniedRanges); a refused address fails the fetch with ErrRefused
// without connecting. Options.Allow lets a node reach chosen ranges. The
// fetcher ignores HTTP_PROXY and friends: a proxy would dial for it.
//
// Config (a source's fetch config):
//
//	{
//	  "url":     "https://api.example/blocks/{{height}}",   required, http or https
//	  "method":  "GET",                                      GET (default) or POST
//	  "headers": {"Accept": "application/json"},
//	  "body":    "{\"height\": {{height}}}",                 POST only
//	  "timeout": "5s"                                        optional, below the node's
//	}
package httpfetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/assaynet/assay/plugins"
)

// Kind is the kind this fetcher serves.
const Kind = "http"

// Defaults of Options.
const (
	DefaultMaxRedirects = 5
	DefaultRetries      = 2
	DefaultRetryBase    = 200 * time.Millisecond
)

// Options configure the fetcher. Zero fields take the defaults.
type Options struct {
	// MaxRedirects is the most redirects followed.
	MaxRedirects int
	// Retries is how many times a failed attempt is retried (so at most
	// Retries+1 attempts); negative disables retries.
	Retries int
	// RetryBase is the first retry delay; each retry doubles it, and each
	// delay is jittered to between half and all of it.
	RetryBase time.Duration
	// Allow lists ranges dialled even though DeniedRanges refuses them
	// ([fetch] allow_private_ranges of assay.toml); e.g. 127.0.0.0/8 for
	// a mock server on loopback.
	Allow []netip.Prefix
	// Transport, when set, replaces the guarded transport: the address
	// checks are then the caller's (tests).
	Transport http.RoundTripper
	// UserAgent is sent unless the config sets one.
	UserAgent string
}

// Fetcher is the "http" fetcher; it implements plugins.Fetcher.
type Fetcher struct {
	opts   Options
	client *http.Client
}

var _ plugins.Fetcher = (*Fetcher)(nil)

// New returns an http fetcher.
func New(opts Options) *Fetcher {
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	opts.Retries = max(opts.Retries, 0)
	if opts.RetryBase <= 0 {
		opts.RetryBase = DefaultRetryBase
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "assay-fetcher/1"
	}
	f := &Fetcher{opts: opts}
	rt := opts.Transport
	if rt == nil {
		rt = guard{allow: opts.Allow}.transport()
	}
	f.client = &http.Client{Transport: rt, CheckRedirect: f.checkRedirect}
	return f
}

func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.opts.MaxRedirects {
		return fmt.Errorf("%w: stopped after %d", errRedirect, f.opts.MaxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: to scheme %q refused", errRedirect, req.URL.Scheme)
	}
	return nil
}

// Kinds returns ["http"].
func (f *Fetcher) Kinds(context.Context) ([]string, error) { return []string{Kind}, nil }

// config is the fetch config of the http kind.
type config struct {
	URL     string            `json:"url"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	Timeout string            `json:"timeout"`
}

// parseConfig decodes and checks a config.
func parseConfig(raw []byte) (*config, time.Duration, error) {
	var c config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, 0, fmt.Errorf("httpfetch: config: %w", err)
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, 0, fmt.Errorf("httpfetch: config: url %q must be an absolute http(s) URL", c.URL)
	}
	c.Method = strings.ToUpper(c.Method)
	switch c.Method {
	case "":
		c.Method = http.MethodGet
	case http.MethodGet, http.MethodPost:
	default:
		return nil, 0, fmt.Errorf("httpfetch: config: method %q: want GET or POST", c.Method)
	}
	if c.Body != "" && c.Method != http.MethodPost {
		return nil, 0, errors.New("httpfetch: config: body needs method POST")
	}
	var timeout time.Duration
	if c.Timeout != "" {
		if timeout, err = time.ParseDuration(c.Timeout); err != nil || timeout <= 0 {
			return nil, 0, fmt.Errorf("httpfetch: config: timeout %q: want a positive duration like \"5s\"", c.Timeout)
		}
	}
	return &c, timeout, nil
}
