package node

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	ma "github.com/multiformats/go-multiaddr"

	"github.com/assaynet/assay/consensus/worker"
	"github.com/assaynet/assay/runtime/sandbox"
)

// Ranges of assay.toml's numeric keys. A value outside its range is an
// error, never a silent default.
const (
	MaxWorkerConcurrency = 1024
	MaxFetchConcurrency  = 1024
	MaxFetchBytes        = 1 << 30 // 1 GiB: one input is held in memory
	MaxFetchTimeout      = 10 * time.Minute
)

// Validate checks every value of c and names the key of each bad one.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	for _, kv := range [][2]string{
		{"operator_key_file", c.OperatorKey}, {"pin.dir", c.Pin.Dir},
		{"worker.journal_dir", c.Worker.JournalDir}, {"sandbox.cache_dir", c.Sandbox.CacheDir},
	} {
		if kv[1] == "" {
			bad(kv[0], "must be set")
		}
	}
	if n := c.Worker.Concurrency; n < 1 || n > MaxWorkerConcurrency {
		bad("worker.concurrency", "%d is out of range 1..%d", n, MaxWorkerConcurrency)
	}
	if _, err := worker.ParseFault(c.Worker.Fault); err != nil {
		bad("worker.fault", "%q is not one of \"\", wrong-output, no-reveal, no-commit", c.Worker.Fault)
	}
	if _, ok := sandbox.ParseEngine(c.Sandbox.Engine); !ok {
		bad("sandbox.engine", "%q is not \"compiler\" or \"interpreter\"", c.Sandbox.Engine)
	}
	if l := c.Gateway.Listen; l != "" {
		if _, _, err := net.SplitHostPort(l); err != nil {
			bad("gateway.listen", "%q is not host:port (\"\" disables the gateway)", l)
		}
	}
	if l := c.API.Listen; l != "" {
		if _, _, err := net.SplitHostPort(l); err != nil {
			bad("api.listen", "%q is not host:port (\"\" disables the API)", l)
		}
	}
	for _, o := range c.API.CORSOrigins {
		if err := checkOrigin(o); err != nil {
			bad("api.cors_origins", "%q: %v", o, err)
		}
	}
	if l := c.Explorer.Listen; l != "" {
		if _, _, err := net.SplitHostPort(l); err != nil {
			bad("explorer.listen", "%q is not host:port (\"\" disables the explorer)", l)
		}
	}
	if t := time.Duration(c.Fetch.Timeout); t <= 0 || t > MaxFetchTimeout {
		bad("fetch.timeout", "%s is out of range (0s, %s]", t, MaxFetchTimeout)
	}
	if n := c.Fetch.MaxBytes; n < 1 || n > MaxFetchBytes {
		bad("fetch.max_bytes", "%d is out of range 1..%d", n, MaxFetchBytes)
	}
	if n := c.Fetch.Concurrency; n < 1 || n > MaxFetchConcurrency {
		bad("fetch.concurrency", "%d is out of range 1..%d", n, MaxFetchConcurrency)
	}
	errs = append(errs, c.validateReplicate()...)
	errs = append(errs, c.validateRetention()...)
	errs = append(errs, c.validateMetrics()...)
	return errors.Join(errs...)
}

// checkOrigin checks one entry of api.cors_origins: "*", or an origin as
// a browser sends it (scheme://host[:port], no path, no trailing slash).
func checkOrigin(o string) error {
	if o == "*" {
		return nil
	}
	u, err := url.Parse(o)
	switch {
	case err != nil:
		return err
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("want \"*\" or http(s)://host[:port]")
	case u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o, "/"):
		return errors.New("an origin is scheme://host[:port] with nothing after it")
	}
	return nil
}

// Ranges of the [replicate] keys.
const (
	MaxReplicateConcurrency = 256
	MaxReplicateAttempts    = 100
	MaxReplicateTimeout     = time.Hour
	MaxReplicateBytes       = 4 << 30
)

// validateReplicate checks [gateway] public_url, [bitswap] and
// [replicate].
func (c *Config) validateReplicate() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if u := c.Gateway.PublicURL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			bad("gateway.public_url", "%q is not an http(s) URL", u)
		}
	}
	for _, key := range []struct {
		name  string
		addrs []string
	}{{"bitswap.listen", c.Bitswap.Listen}, {"bitswap.announce", c.Bitswap.Announce}} {
		for _, a := range key.addrs {
			if _, err := ma.NewMultiaddr(a); err != nil {
				bad(key.name, "%q is not a multiaddr: %v", a, err)
			}
		}
	}
	if len(c.Bitswap.Listen) > 0 && c.Bitswap.KeyFile == "" {
		bad("bitswap.key_file", "must be set")
	}
	r := c.Replicate
	if r.Enabled && r.CursorFile == "" {
		bad("replicate.cursor_file", "must be set")
	}
	if n := r.Concurrency; n < 1 || n > MaxReplicateConcurrency {
		bad("replicate.concurrency", "%d is out of range 1..%d", n, MaxReplicateConcurrency)
	}
	if n := r.Attempts; n < 1 || n > MaxReplicateAttempts {
		bad("replicate.attempts", "%d is out of range 1..%d", n, MaxReplicateAttempts)
	}
	if t := time.Duration(r.Timeout); t <= 0 || t > MaxReplicateTimeout {
		bad("replicate.timeout", "%s is out of range (0s, %s]", t, MaxReplicateTimeout)
	}
	if n := r.MaxBytes; n < 1 || n > MaxReplicateBytes {
		bad("replicate.max_bytes", "%d is out of range 1..%d", n, int64(MaxReplicateBytes))
	}
	return errs
}
