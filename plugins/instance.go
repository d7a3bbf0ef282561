package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/assaynet/assay/plugins/spec"
)

// streamWindow is the gRPC flow-control window of one fetch stream.
const streamWindow = 1 << 20

// maxKinds bounds the kinds one plugin may serve.
const maxKinds = 64

// killGrace is how long a kill lets go-plugin shut the plugin down over
// gRPC before the process group gets SIGKILL; killWait bounds the wait for
// go-plugin to see the process end and reap it after that.
const (
	killGrace = 2500 * time.Millisecond
	killWait  = 3 * time.Second
)

// instance is one configured plugin and its current process, if any.
type instance struct {
	cfg PluginConfig
	lim Limits
	log *slog.Logger
	sem chan struct{} // concurrency slots

	startMu sync.Mutex     // serialises starts
	bg      sync.WaitGroup // kills and health checks in flight
	done    chan struct{}  // closed by close

	mu       sync.Mutex
	client   *plugin.Client
	proc     *proc // client's process group
	starting *proc // the process of a start in progress, killed by close
	fetcher  *grpcClient
	kinds    []string
	starts   int
	failures int // failures in a row, for the backoff
	retryAt  time.Time
	lastErr  error
	closed   bool
}

func newInstance(cfg PluginConfig, lim Limits, log *slog.Logger) *instance {
	return &instance{
		cfg: cfg, lim: lim,
		log:  log.With("plugin", cfg.Name),
		sem:  make(chan struct{}, lim.Concurrency),
		done: make(chan struct{}),
	}
}

// errorf returns a FetchError of this plugin.
func (in *instance) errorf(kind string, r Reason, format string, args ...any) *FetchError {
	return &FetchError{Plugin: in.cfg.Name, Kind: kind, Reason: r, Err: fmt.Errorf(format, args...)}
}

// get returns a running plugin, starting it if needed (after its backoff).
func (in *instance) get(ctx context.Context, kind string) (*grpcClient, error) {
	in.startMu.Lock()
	defer in.startMu.Unlock()
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return nil, in.errorf(kind, ReasonClosed, "manager closed")
	}
	if in.client != nil && !in.client.Exited() {
		f := in.fetcher
		in.mu.Unlock()
		return f, nil
	}
	if in.client != nil {
		in.failLocked(errors.New("plugin process exited"))
	}
	wait := time.Until(in.retryAt)
	last := in.lastErr
	in.mu.Unlock()
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil, in.errorf(kind, ReasonRestarting, "waiting %v to restart after: %v", wait.Round(time.Millisecond), last)
		case <-in.done:
			return nil, in.errorf(kind, ReasonClosed, "manager closed")
		case <-t.C:
		}
	}
	return in.start(ctx, kind)
}

// backoffErr returns a ReasonRestarting error while the plugin waits out
// its restart backoff, else nil.
func (in *instance) backoffErr(kind string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if wait := time.Until(in.retryAt); wait > 0 {
		return in.errorf(kind, ReasonRestarting, "restarts in %v after: %v", wait.Round(time.Millisecond), in.lastErr)
	}
	return nil
}

// start launches the process, checks the handshake and learns the kinds.
func (in *instance) start(ctx context.Context, kind string) (*grpcClient, error) {
	p := newProc(in.cfg)
	in.mu.Lock()
	in.starting = p
	closed := in.closed
	in.mu.Unlock()
	var client *plugin.Client
	var f *grpcClient
	var kinds []string
	var err error
	if closed { // close ran before starting was set
		err = errors.New("manager closed")
	} else {
		client, f, kinds, err = in.launch(ctx, p)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.starting = nil
	if err == nil && in.closed {
		err = errors.New("manager closed during start")
	}
	if err != nil {
		if client != nil {
			in.killLocked(client, p, false)
		} else {
			p.cancel()
		}
		in.failLocked(err)
		return nil, in.errorf(kind, ReasonStart, "%v", err)
	}
	in.client, in.proc, in.fetcher, in.kinds = client, p, f, kinds
	in.starts++
	in.log.Info("plugin started", "kinds", kinds, "starts", in.starts)
	return f, nil
}

// launch runs p's command and returns its client, fetcher and kinds.
func (in *instance) launch(ctx context.Context, p *proc) (*plugin.Client, *grpcClient, []string, error) {
	sum, _ := hex.DecodeString(in.cfg.SHA256) // validated by LoadConfig/NewManager
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  Handshake,
		Plugins:          plugin.PluginSet{pluginName: &grpcPlugin{}},
		Cmd:              p.cmd,
		SkipHostEnv:      true,
		SecureConfig:     &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		StartTimeout:     startTimeout(ctx, in.lim.StartTimeout),
		Logger:           newHCLog(in.log, "plugin", hclog.Trace),
		SyncStdout:       newLogWriter(in.log, "stdout"),
		SyncStderr:       newLogWriter(in.log, "stderr"),
		GRPCDialOptions: []grpc.DialOption{ // fewer flow-control round trips for large inputs
			grpc.WithInitialWindowSize(streamWindow),
			grpc.WithInitialConnWindowSize(4 * streamWindow),
		},
	})
	rpc, err := client.Client()
	p.started() // cmd.Start ran (or failed) inside client.Client
	if err != nil {
		return client, nil, nil, in.startError(err)
	}
	raw, err := rpc.Dispense(pluginName)
	if err != nil {
		return client, nil, nil, fmt.Errorf("dispense: %w", err)
	}
	f := raw.(*grpcClient)
	kctx, cancel := context.WithTimeout(ctx, in.lim.StartTimeout)
	defer cancel()
	kinds, err := f.Kinds(kctx)
	if err != nil {
		return client, nil, nil, fmt.Errorf("listing kinds: %w", remoteError(err))
	}
	if len(kinds) == 0 || len(kinds) > maxKinds {
		return client, nil, nil, fmt.Errorf("plugin serves %d kinds, want 1 to %d", len(kinds), maxKinds)
	}
	for _, k := range kinds {
		if err := spec.ValidateKind(k); err != nil {
			return client, nil, nil, fmt.Errorf("plugin serves a bad kind: %w", err)
		}
	}
	for _, k := range in.cfg.Kinds {
		if !slices.Contains(kinds, k) {
			return client, nil, nil, fmt.Errorf("configured kind %q not served (serves %v)", k, kinds)
		}
	}
	return client, f, kinds, nil
}

// startTimeout is limit, or less if ctx ends sooner, so that a start
// never outlives the fetch that asked for it.
func startTimeout(ctx context.Context, limit time.Duration) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return max(min(limit, time.Until(d)), time.Millisecond)
	}
	return limit
}

// envList turns the configured environment into KEY=VALUE lines, sorted.
func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// failLocked records a failure and schedules the next start.
func (in *instance) failLocked(err error) {
	in.failures++
	in.lastErr = err
	in.retryAt = time.Now().Add(in.lim.backoff(in.failures))
	if in.client != nil {
		in.killLocked(in.client, in.proc, true)
	}
	in.log.Warn("plugin failed", "error", err, "failures", in.failures, "retry_in", in.lim.backoff(in.failures))
}

// killLocked ends a client's process group in the background (see
// proc.kill); close waits.
func (in *instance) killLocked(c *plugin.Client, p *proc, graceful bool) {
	if c == in.client {
		in.client, in.proc, in.fetcher = nil, nil, nil
	}
	in.goLocked(func() { p.kill(c, graceful, in.log) })
}

// goLocked runs fn in the background unless closed; close waits for it.
// Callers hold in.mu, and close sets closed under in.mu before waiting, so
// no goroutine is added once close waits.
func (in *instance) goLocked(fn func()) {
	if in.closed {
		fn() // only kills get here after close; run them in line
		return
	}
	in.bg.Add(1)
	go func() {
		defer in.bg.Done()
		fn()
	}()
}

// succeeded resets the failure count after a good fetch.
func (in *instance) succeeded() {
	in.mu.Lock()
	in.failures = 0
	in.mu.Unlock()
}

// fail records a failure of the running process f (if still current) and
// kills it, so that the next fetch restarts it.
func (in *instance) fail(f *grpcClient, err error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.fetcher == f && in.client != nil {
		in.failLocked(err)
	}
}

// close kills the process group, ends a start in progress, waits for it
// and for background work, and refuses further starts. Every wait is
// bounded: by killGrace and killWait for kills, healthTimeout for health
// checks.
func (in *instance) close() {
	in.mu.Lock()
	if !in.closed {
		close(in.done)
	}
	if in.client != nil {
		in.killLocked(in.client, in.proc, true)
	}
	if in.starting != nil {
		in.starting.cancel() // SIGKILLs its group: the handshake wait ends
	}
	in.closed = true
	in.mu.Unlock()
	in.startMu.Lock() // a start in progress kills its process in line
	in.startMu.Unlock()
	in.bg.Wait()
}
