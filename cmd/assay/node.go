package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtlog "github.com/cometbft/cometbft/libs/log"

	"github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/worker"
	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/builtin"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// nodeOptions adjust a node for the process that runs it.
type nodeOptions struct {
	Runtime      *sandbox.Runtime // shared runtime (devnet); nil: the node makes its own
	Logger       *slog.Logger     // Assay's logs; nil discards
	Comet        cmtlog.Logger    // CometBFT's logs; nil discards
	NoPrometheus bool             // several nodes in one process cannot share the registry
	Fault        string           // overrides assay.toml's worker.fault when set
}

// assayNode is one running node: CometBFT with the app, the worker, the
// pin store, the plugin manager and the gateway.
type assayNode struct {
	Home     string
	ChainID  string
	Operator []byte
	Gateway  string // http://host:port, "" when disabled
	RPC      *worker.RPC
	Worker   *worker.Worker

	comet  *node.Node
	store  *pin.Store
	jrnl   *worker.Journal
	rt     *sandbox.Runtime
	ownRT  bool
	mgr    *plugins.Manager
	gw     *http.Server
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startNode opens home and starts every part of the node.
func startNode(ctx context.Context, home string, o nodeOptions) (n *assayNode, err error) {
	cfg, err := node.LoadConfig(home)
	if err != nil {
		return nil, err
	}
	ac, err := loadAssayConfig(home)
	if err != nil {
		return nil, err
	}
	if o.NoPrometheus {
		cfg.Instrumentation.Prometheus = false
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Comet == nil {
		o.Comet = cmtlog.NewNopLogger()
	}
	n = &assayNode{Home: home, rt: o.Runtime}
	defer func() {
		if err != nil {
			n.Stop()
		}
	}()
	if err := n.openParts(ctx, cfg, ac, o); err != nil {
		return n, err
	}
	if err := n.startComet(cfg, o.Comet); err != nil {
		return n, err
	}
	return n, n.startWorker(ctx, ac, o)
}

// openParts opens the pin store, sandbox and plugin manager.
func (n *assayNode) openParts(ctx context.Context, cfg *cmtcfg.Config, ac *assayConfig, o nodeOptions) error {
	var err error
	// the worker syncs the store once per Commit batch instead of per block
	if n.store, err = pin.OpenDeferredSync(homePath(n.Home, ac.Pin.Dir)); err != nil {
		return err
	}
	n.store.SetLogger(o.Logger.With("part", "pin"))
	if n.rt == nil {
		eng, ok := sandbox.ParseEngine(ac.Sandbox.Engine)
		if !ok {
			return fmt.Errorf("assay.toml: sandbox.engine %q", ac.Sandbox.Engine)
		}
		n.rt, err = sandbox.New(ctx, sandbox.Config{Engine: eng, CacheDir: homePath(n.Home, ac.Sandbox.CacheDir)})
		if err != nil {
			return err
		}
		n.ownRT = true
	}
	pc, err := plugins.LoadConfig(homePath(n.Home, assayConfigFile))
	if err != nil {
		return err
	}
	// the same fetchers as `assay fetch`: http, file (under [fetch] file_root), plugins
	n.mgr, err = builtin.NewManager(pc, "", o.Logger.With("part", "plugins"))
	return err
}

// startComet starts CometBFT in process with the app (consensus/node).
func (n *assayNode) startComet(cfg *cmtcfg.Config, logger cmtlog.Logger) error {
	var err error
	if n.comet, err = node.New(cfg, node.Options{Logger: logger}); err != nil {
		return err
	}
	n.ChainID = n.comet.CometBFT().GenesisDoc().ChainID
	if err := n.comet.Start(); err != nil {
		return err
	}
	n.RPC = worker.NewRPC(n.comet.Client())
	return nil
}

// startWorker starts the gateway and the worker.
func (n *assayNode) startWorker(ctx context.Context, ac *assayConfig, o nodeOptions) error {
	_, key, err := loadKeyFile(homePath(n.Home, ac.OperatorKey), func(w string) { o.Logger.Warn(w) })
	if err != nil {
		return err
	}
	// entries are synced once per Commit batch, before it is broadcast
	j, err := worker.OpenJournalDeferred(homePath(n.Home, ac.Worker.JournalDir))
	if err != nil {
		return err
	}
	n.jrnl = j
	faultName := ac.Worker.Fault
	if o.Fault != "" {
		faultName = o.Fault
	}
	fault, err := worker.ParseFault(faultName)
	if err != nil {
		return err
	}
	if ac.Gateway.Listen != "" {
		if err := n.startGateway(ac.Gateway.Listen); err != nil {
			return err
		}
	}
	n.Worker, err = worker.New(worker.Config{
		ChainID: n.ChainID, Key: key, Chain: n.RPC, Fetcher: n.mgr, Runtime: n.rt, Store: n.store,
		Journal: j, Concurrency: ac.Worker.Concurrency, Fault: fault, Logger: o.Logger.With("part", "worker"),
	})
	if err != nil {
		return err
	}
	n.Operator = n.Worker.Operator()
	wctx, cancel := context.WithCancel(ctx)
	n.cancel = cancel
	n.wg.Add(1)
	go func() { defer n.wg.Done(); _ = n.Worker.Run(wctx) }()
	return nil
}

func (n *assayNode) startGateway(addr string) error {
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
			slog.Error("gateway", "err", err)
		}
	}()
	return nil
}

// Stop stops every part that started, in reverse order.
func (n *assayNode) Stop() {
	if n.cancel != nil {
		n.cancel()
	}
	if n.gw != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = n.gw.Shutdown(ctx)
		cancel()
	}
	n.wg.Wait()
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
