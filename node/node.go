package node

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/rpc/client/local"
	cid "github.com/ipfs/go-cid"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/consensus/worker"
	"github.com/assaynet/assay/internal/explorer"
	"github.com/assaynet/assay/internal/httpapi"
	"github.com/assaynet/assay/node/replica"
	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/builtin"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// Options adjust a node for the process that runs it. The zero value is
// a node alone in its process that discards its logs.
type Options struct {
	// Runtime is a sandbox shared by several nodes (the devnet); nil: the
	// node makes its own from [sandbox] and closes it on Stop.
	Runtime *sandbox.Runtime
	// Logger gets Assay's logs; nil discards them.
	Logger *slog.Logger
	// Comet gets CometBFT's logs; nil discards them.
	Comet cmtlog.Logger
	// NoPrometheus turns CometBFT's metrics off and adds no Assay
	// metrics: several nodes in one process cannot share the registry.
	NoPrometheus bool
	// Fault overrides assay.toml's worker.fault when set.
	Fault string
	// NoExplorer leaves the explorer off whatever assay.toml says (the
	// devnet serves node 0's only).
	NoExplorer bool
	// Retention overrides assay.toml's [retention] when set (the devnet's
	// soak test).
	Retention *RetentionConfig
}

// LogTo returns Options whose Assay logs go to w as text at level
// ("debug", "info", "warn" or "error") and whose CometBFT logs go to w
// at error level, as `assay start` logs.
func LogTo(w io.Writer, level string) (Options, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return Options{}, err
	}
	return Options{Logger: slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl})),
		Comet: cmtlog.NewFilter(cmtlog.NewTMLogger(cmtlog.NewSyncWriter(w)), cmtlog.AllowError())}, nil
}

// Node is one node: CometBFT with the app, the worker, the pin store, the
// plugin manager and the gateway. Open builds it, Start runs it, Stop
// stops whatever started.
type Node struct {
	Home     string
	ChainID  string
	Operator []byte      // the operator's address
	Gateway  string      // http://host:port once started; "" when disabled
	API      string      // the HTTP API's http://host:port once started; "" when disabled
	Explorer string      // http://host:port once started; "" when disabled
	RPC      *worker.RPC // the chain as the worker sees it (in process)
	Worker   *worker.Worker
	// P2P is the libp2p host with bitswap once started; nil when
	// [bitswap] listen is empty.
	P2P *replica.Host
	// Replica fetches and pins every agreed dataset once started; nil
	// when [replicate] enabled is false.
	Replica *replica.Replicator

	cfg    *Config
	key    ed25519.PrivateKey // the operator key
	prom   bool
	log    *slog.Logger
	comet  *cometnode.Node
	store  *pin.Store
	jrnl   *worker.Journal
	rt     *sandbox.Runtime
	ownRT  bool
	mgr    *plugins.Manager
	gw     *http.Server
	api    *http.Server
	ex     *http.Server
	noEx   bool
	rpc    string    // CometBFT RPC listen address, as clients dial it
	retain *retainer // nil unless [retention] enabled and started
	// metrics are the histograms and event counters; nil without Prometheus
	metrics   *metrics
	startDisk atomic.Int64 // the pin store's size on disk at start
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// Open reads home's config.toml and assay.toml and opens every part of
// the node without starting any: the pin store, the sandbox, the plugin
// manager, CometBFT with the app, the journal and the worker. On error
// what was opened is closed again.
func Open(ctx context.Context, home string, o Options) (n *Node, err error) {
	cfg, err := cometnode.LoadConfig(home)
	if err != nil {
		return nil, err
	}
	ac, err := Load(home)
	if err != nil {
		return nil, err
	}
	if o.NoPrometheus {
		cfg.Instrumentation.Prometheus = false
	}
	if o.Retention != nil {
		ac.Retention = *o.Retention
		if err := errors.Join(ac.validateRetention()...); err != nil {
			return nil, fmt.Errorf("retention override: %w", err)
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Comet == nil {
		o.Comet = cmtlog.NewNopLogger()
	}
	n = &Node{Home: home, cfg: ac, prom: cfg.Instrumentation.Prometheus, log: o.Logger, rt: o.Runtime,
		noEx: o.NoExplorer, rpc: cfg.RPC.ListenAddress}
	defer func() {
		if err != nil {
			n.Stop()
			n = nil
		}
	}()
	if err := n.openParts(ctx, o); err != nil {
		return n, err
	}
	if n.comet, err = cometnode.New(cfg, cometnode.Options{Logger: o.Comet}); err != nil {
		return n, err
	}
	n.ChainID = n.comet.CometBFT().GenesisDoc().ChainID
	n.RPC = worker.NewRPC(n.comet.Client())
	return n, n.openWorker(o)
}

// openParts opens the pin store, sandbox and plugin manager.
func (n *Node) openParts(ctx context.Context, o Options) error {
	var err error
	// the worker syncs the store once per Commit batch instead of per block
	if n.store, err = pin.OpenDeferredSync(Path(n.Home, n.cfg.Pin.Dir)); err != nil {
		return err
	}
	n.store.SetLogger(o.Logger.With("part", "pin"))
	if n.rt == nil {
		eng, ok := sandbox.ParseEngine(n.cfg.Sandbox.Engine)
		if !ok {
			return fmt.Errorf("assay.toml: sandbox.engine %q", n.cfg.Sandbox.Engine)
		}
		n.rt, err = sandbox.New(ctx, sandbox.Config{Engine: eng, CacheDir: Path(n.Home, n.cfg.Sandbox.CacheDir)})
		if err != nil {
			return err
		}
		n.ownRT = true
	}
	// [fetch] and [[plugins]] as Load read them (assay.toml is read once)
	pc := &plugins.Config{Fetch: n.cfg.Fetch, Plugins: slices.Clone(n.cfg.Plugins)}
	if err := pc.Resolve(filepath.Dir(Path(n.Home, ConfigFile))); err != nil {
		return fmt.Errorf("%s: %w", Path(n.Home, ConfigFile), err)
	}
	// the same fetchers as `assay fetch`: http, file (under [fetch] file_root), plugins
	n.mgr, err = builtin.NewManager(pc, "", o.Logger.With("part", "plugins"))
	return err
}

// openWorker reads the operator key, opens the journal and builds the
// worker.
func (n *Node) openWorker(o Options) error {
	_, key, err := LoadKey(Path(n.Home, n.cfg.OperatorKey), func(w string) { o.Logger.Warn(w) })
	if err != nil {
		return err
	}
	// entries are synced once per Commit batch, before it is broadcast
	if n.jrnl, err = worker.OpenJournalDeferred(Path(n.Home, n.cfg.Worker.JournalDir)); err != nil {
		return err
	}
	faultName := n.cfg.Worker.Fault
	if o.Fault != "" {
		faultName = o.Fault
	}
	fault, err := worker.ParseFault(faultName)
	if err != nil {
		return err
	}
	wc := worker.Config{
		ChainID: n.ChainID, Key: key, Chain: n.RPC, Fetcher: n.mgr, Runtime: n.rt, Store: n.store,
		Journal: n.jrnl, Concurrency: n.cfg.Worker.Concurrency, Fault: fault, Logger: o.Logger.With("part", "worker"),
	}
	if n.prom {
		n.metrics = newMetrics(operatorHex(tx.Address(key.Public().(ed25519.PublicKey))), n.cfg.Metrics.Sources)
		wc.OnJob, wc.OnCommitted = n.metrics.job, n.metrics.committed
	}
	n.Worker, err = worker.New(wc)
	if err != nil {
		return err
	}
	n.Operator = n.Worker.Operator()
	n.key = key
	return nil
}

// Start opens home's node and starts it (Open, then Node.Start); on error
// it stops whatever started.
func Start(ctx context.Context, home string, o Options) (*Node, error) {
	n, err := Open(ctx, home, o)
	if err != nil {
		return nil, err
	}
	if err := n.Start(ctx); err != nil {
		n.Stop()
		return nil, err
	}
	return n, nil
}

// Start starts CometBFT, the gateway, the HTTP API, the explorer and the worker, adds the Assay
// metrics when Prometheus is on, and checks in the background that the
// operator is an active validator (a warning in the log if not). The
// worker and the check stop when ctx ends or on Stop. Call Stop also
// when Start fails.
func (n *Node) Start(ctx context.Context) error {
	if err := n.comet.Start(); err != nil {
		return err
	}
	if l := n.cfg.Gateway.Listen; l != "" {
		if err := n.startGateway(l); err != nil {
			return err
		}
	}
	wctx, cancel := context.WithCancel(ctx)
	n.cancel = cancel
	if err := n.startReplication(wctx); err != nil {
		return err
	}
	n.startRetention(wctx)
	if n.prom {
		registerMetrics(n)
		n.wg.Add(2)
		go func() { defer n.wg.Done(); n.metrics.follow(wctx, n.comet.CometBFT().EventBus(), n.log) }()
		go func() {
			defer n.wg.Done()
			if d, err := n.store.DiskUsage(); err == nil {
				n.startDisk.Store(d)
			}
		}()
	}
	if l := n.cfg.API.Listen; l != "" {
		if err := n.startAPI(wctx, l); err != nil {
			return err
		}
	}
	if l := n.cfg.Explorer.Listen; l != "" && !n.noEx {
		if err := n.startExplorer(wctx, l); err != nil {
			return err
		}
	}
	n.wg.Add(2)
	go func() { defer n.wg.Done(); _ = n.Worker.Run(wctx) }()
	go func() { defer n.wg.Done(); n.warnIfNotValidator(wctx) }()
	return nil
}

func (n *Node) startGateway(addr string) error {
	h, err := n.store.Gateway()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("gateway: %w", err)
	}
	n.gw = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	n.Gateway = "http://" + ln.Addr().String()
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		if err := n.gw.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("gateway", "err", err)
		}
	}()
	return nil
}

// startAPI serves the HTTP read API (internal/httpapi) on addr; its
// streams follow the node's new blocks and end with ctx.
func (n *Node) startAPI(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("api: %w", err)
	}
	s := httpapi.New(httpapi.Config{Chain: n.RPC.Chain(), Bus: n.comet.CometBFT().EventBus(),
		CORSOrigins: n.cfg.API.CORSOrigins, Logger: n.log.With("part", "api")})
	n.api = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	n.API = "http://" + ln.Addr().String()
	n.wg.Add(2)
	go func() { defer n.wg.Done(); s.Follow(ctx) }()
	go func() {
		defer n.wg.Done()
		if err := n.api.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("api", "err", err)
		}
	}()
	return nil
}

// startExplorer serves the web explorer on addr and runs its block
// follower until ctx ends (Stop cancels it).
func (n *Node) startExplorer(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("explorer: %w", err)
	}
	has := func(ctx context.Context, s string) bool {
		c, err := cid.Decode(s)
		if err != nil {
			return false
		}
		ok, err := n.store.Has(ctx, c)
		return err == nil && ok
	}
	x := explorer.New(explorer.Config{Chain: n.RPC.Chain(), ChainID: n.ChainID, Gateway: n.Gateway, Has: has, RPC: n.rpc,
		Logger: n.log.With("part", "explorer")})
	n.ex = &http.Server{Handler: x.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	n.Explorer = "http://" + ln.Addr().String()
	n.wg.Add(2)
	go func() { defer n.wg.Done(); x.Run(ctx) }()
	go func() {
		defer n.wg.Done()
		if err := n.ex.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("explorer", "err", err)
		}
	}()
	return nil
}

// Client is a CometBFT RPC client of the node in process.
func (n *Node) Client() *local.Local { return n.comet.Client() }

// Plugins is the node's fetch manager (the built-in fetchers and the
// [[plugins]] of assay.toml).
func (n *Node) Plugins() *plugins.Manager { return n.mgr }

// Config is the node's assay.toml as loaded.
func (n *Node) Config() *Config { return n.cfg }

// StopWithin runs Stop and reports whether it returned within d; if not,
// Stop is left running (the caller is about to exit). Every part's stop
// is bounded on its own (plugins: kill grace and reap wait; gateway: 2 s;
// CometBFT); this is the backstop for a process that must exit.
func (n *Node) StopWithin(d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.Stop()
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// Stop stops every part that started and closes every part that opened,
// in reverse order. Each part's stop is bounded (plugins: kill grace and
// reap wait; gateway, API and explorer: 2 s each; CometBFT).
func (n *Node) Stop() {
	if n.cancel != nil {
		n.cancel()
	}
	for _, srv := range []*http.Server{n.api, n.ex, n.gw} {
		if srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = srv.Shutdown(ctx) // the API's and explorer's streams ended with n.cancel
			cancel()
		}
	}
	n.wg.Wait()
	if n.P2P != nil {
		_ = n.P2P.Close() // before the store it serves from
	}
	// Only the worker fetches, and it has stopped: kill the plugins while
	// CometBFT stops, so that the two bounded waits do not add up.
	mgrDone := make(chan struct{})
	go func() {
		defer close(mgrDone)
		if n.mgr != nil {
			_ = n.mgr.Close()
		}
	}()
	if n.comet != nil {
		_ = n.comet.Stop() // stops CometBFT, then closes its and the app's databases
	}
	<-mgrDone
	if n.jrnl != nil {
		_ = n.jrnl.Close() // after the worker's goroutines (n.wg) ended
	}
	if n.store != nil {
		_ = n.store.Close()
	}
	if n.ownRT && n.rt != nil {
		_ = n.rt.Close(context.Background())
	}
}
