package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// crashWait bounds how long a failed fetch waits to see whether the
// plugin process exited.
const crashWait = time.Second

// healthTimeout bounds one health check.
const healthTimeout = 2 * time.Second

var pluginVersionRE = regexp.MustCompile(`Plugin version: (\d+)`)

// startError rewrites go-plugin's start errors into messages that say
// what the operator should fix.
func (in *instance) startError(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, plugin.ErrChecksumsDoNotMatch):
		return fmt.Errorf("checksum mismatch: %s has SHA-256 %s, config says %s",
			in.cfg.Path, fileSum(in.cfg.Path), in.cfg.SHA256)
	case strings.Contains(msg, "incompatible API version"):
		v := "another"
		if m := pluginVersionRE.FindStringSubmatch(msg); m != nil {
			v = m[1]
		}
		return fmt.Errorf("protocol version mismatch: plugin speaks fetcher protocol %s, this node speaks %d; rebuild the plugin against this Assay release", v, ProtocolVersion)
	case strings.Contains(msg, "exited before we could connect"),
		strings.Contains(msg, "Failed to read any lines from plugin's stdout"):
		return errors.New("plugin exited at start, before the handshake")
	case strings.Contains(msg, "Unrecognized remote plugin message"):
		return fmt.Errorf("garbage instead of the handshake on stdout: %.120q", msg)
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		return fmt.Errorf("no handshake within %v", in.lim.StartTimeout)
	}
	return fmt.Errorf("start: %.300s", msg)
}

// fileSum returns the hex SHA-256 of a file, or a note why it cannot.
func fileSum(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "(unreadable)"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "(unreadable)"
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readCapped reads r up to max bytes; more is ErrTooLarge.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}

// fetch runs one fetch on the plugin within ctx.
func (in *instance) fetch(ctx context.Context, req Request) ([]byte, error) {
	select {
	case in.sem <- struct{}{}:
		defer func() { <-in.sem }()
	case <-ctx.Done():
		return nil, in.errorf(req.Kind, ReasonTimeout, "no free slot of %d within the timeout", cap(in.sem))
	}
	f, err := in.get(ctx, req.Kind)
	if err != nil {
		return nil, err
	}
	rc, err := f.Fetch(ctx, req)
	var data []byte
	if err == nil {
		data, err = readCapped(rc, req.MaxBytes)
		rc.Close()
	}
	if err == nil {
		in.succeeded()
		return data, nil
	}
	return nil, in.classify(ctx, f, req.Kind, err)
}

// classify turns a failed fetch into a FetchError, noting crashes and
// checking the health of a plugin that timed out.
func (in *instance) classify(ctx context.Context, f *grpcClient, kind string, err error) error {
	switch {
	case errors.Is(err, ErrTooLarge):
		return in.errorf(kind, ReasonByteCap, "%v", err)
	case errors.Is(err, errGarbage):
		return in.errorf(kind, ReasonGarbage, "%v", err)
	case timedOut(ctx, err):
		in.mu.Lock()
		if !in.closed {
			in.goLocked(func() { in.checkHealth(f) })
		}
		in.mu.Unlock()
		return in.errorf(kind, ReasonTimeout, "%v", context.DeadlineExceeded)
	}
	wait := crashWait
	if status.Code(err) == codes.Unknown {
		wait = 0 // the plugin itself returned this error
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-f.exited.Done():
		in.fail(f, errors.New("plugin process exited during a fetch"))
		return in.errorf(kind, ReasonCrash, "plugin process exited during the fetch: %v", err)
	case <-t.C:
	}
	return in.errorf(kind, ReasonFailed, "%v", remoteError(err))
}

// checkHealth asks a running plugin for its kinds; a plugin that does not
// answer in time is killed, to be restarted by the next fetch.
func (in *instance) checkHealth(f *grpcClient) {
	ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
	defer cancel()
	if _, err := f.Kinds(ctx); err != nil {
		in.fail(f, fmt.Errorf("health check failed: %w", err))
	}
}

// running returns the current process's fetcher, or nil.
func (in *instance) running() *grpcClient {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.client == nil || in.client.Exited() {
		return nil
	}
	return in.fetcher
}

// timedOut reports whether a fetch failed because its time ran out; gRPC's
// own deadline timer can fire just before ctx's.
func timedOut(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) ||
		status.Code(err) == codes.DeadlineExceeded
}
