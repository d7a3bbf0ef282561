package node

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/libs/log"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/rpc/client/local"
	"github.com/spf13/viper"

	"github.com/assaynet/assay/consensus/app"
	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/store"
)

// ErrConfig is returned for an unreadable or invalid config.toml.
var ErrConfig = errors.New("node: bad config")

// Options tune Open. The zero value is a normal validator node.
type Options struct {
	// Logger for CometBFT; nil discards.
	Logger log.Logger
}

// Node is an in-process CometBFT node running the Assay app.
type Node struct {
	Home     string
	App      *app.App
	Operator ed25519.PrivateKey
	Config   *cmtcfg.Config

	cmt      *cmtnode.Node
	kv       *store.Tree
	dbs      *dbTracker
	stopping *atomic.Bool // set by Stop; see stopLogger
}

// dbTracker opens CometBFT's databases and closes them itself, after
// CometBFT has stopped: in v0.38 the node's OnStop leaves the tx indexer's
// database open (a node opened again from the same home in the same
// process could not lock it), and it closes the block store while the
// consensus reactor's peer routines may still read it.
type dbTracker struct {
	mu  sync.Mutex
	dbs []*heldDB
}

func (t *dbTracker) provider(ctx *cmtcfg.DBContext) (dbm.DB, error) {
	db, err := cmtcfg.DefaultDBProvider(ctx)
	if err != nil {
		return nil, err
	}
	h := &heldDB{DB: db}
	t.mu.Lock()
	t.dbs = append(t.dbs, h)
	t.mu.Unlock()
	return h, nil
}

// closeAll closes every database.
func (t *dbTracker) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, db := range t.dbs {
		db.closeHeld()
	}
	t.dbs = nil
}

// heldDB is a CometBFT database whose Close (called by the node's OnStop)
// does nothing: dbTracker.closeAll closes it. After that, reads find
// nothing and writes fail, instead of the closed LevelDB's error on which
// CometBFT's stores panic: in v0.38 the consensus reactor's
// queryMaj23Routine sleeps PeerQueryMaj23SleepDuration (up to three times
// in one pass) and then reads the block store without checking that it
// still runs; with nothing found it sends nothing and ends at its next
// check.
type heldDB struct {
	dbm.DB
	mu     sync.RWMutex
	closed bool
}

var errHeldClosed = errors.New("node: database closed")

// Close is a no-op; see heldDB.
func (d *heldDB) Close() error { return nil }

func (d *heldDB) closeHeld() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		d.closed = true
		_ = d.DB.Close()
	}
}

// Get returns nil (not found) once closed.
func (d *heldDB) Get(k []byte) ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, nil
	}
	return d.DB.Get(k)
}

// Has returns false once closed.
func (d *heldDB) Has(k []byte) (bool, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return false, nil
	}
	return d.DB.Has(k)
}

func (d *heldDB) write(fn func() error) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return errHeldClosed
	}
	return fn()
}

// Set fails once closed.
func (d *heldDB) Set(k, v []byte) error { return d.write(func() error { return d.DB.Set(k, v) }) }

// SetSync fails once closed.
func (d *heldDB) SetSync(k, v []byte) error {
	return d.write(func() error { return d.DB.SetSync(k, v) })
}

// Delete fails once closed.
func (d *heldDB) Delete(k []byte) error { return d.write(func() error { return d.DB.Delete(k) }) }

// DeleteSync fails once closed.
func (d *heldDB) DeleteSync(k []byte) error {
	return d.write(func() error { return d.DB.DeleteSync(k) })
}

// Iterator fails once closed.
func (d *heldDB) Iterator(start, end []byte) (dbm.Iterator, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, errHeldClosed
	}
	return d.DB.Iterator(start, end)
}

// ReverseIterator fails once closed.
func (d *heldDB) ReverseIterator(start, end []byte) (dbm.Iterator, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, errHeldClosed
	}
	return d.DB.ReverseIterator(start, end)
}

// LoadConfig reads home/config/config.toml as `cometbft start` does.
func LoadConfig(home string) (*cmtcfg.Config, error) {
	v := viper.New()
	v.SetConfigFile(filepath.Join(home, "config", "config.toml"))
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	cfg := cmtcfg.DefaultConfig()
	if err := v.Unmarshal(cfg); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	cfg.SetRoot(home)
	if err := cfg.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return cfg, nil
}

// Open builds (but does not start) the node of home: the app's database
// is home/data/appstate.db (an IAVL tree, consensus/store), CometBFT's are beside it.
func Open(home string, opts Options) (*Node, error) {
	cfg, err := LoadConfig(home)
	if err != nil {
		return nil, err
	}
	opKey, err := LoadOrGenOperatorKey(home)
	if err != nil {
		return nil, err
	}
	n, err := New(cfg, opts)
	if err != nil {
		return nil, err
	}
	n.Operator = opKey
	return n, nil
}

// New builds (but does not start) a node from a loaded config, for callers
// that adjust the config or keep the operator key elsewhere.
func New(cfg *cmtcfg.Config, opts Options) (*Node, error) {
	if opts.Logger == nil {
		opts.Logger = log.NewNopLogger()
	}
	stopping := &atomic.Bool{}
	logger := stopLogger{next: opts.Logger, stopping: stopping}
	kv, err := store.Open(cfg.DBDir(), store.DefaultKeep)
	if err != nil {
		return nil, err
	}
	vrf, err := LoadOrGenVRFKey(cfg.RootDir)
	if err != nil {
		kv.Close()
		return nil, err
	}
	a, err := app.New(kv, rules.V1(), vrf)
	if err != nil {
		kv.Close()
		return nil, err
	}
	nodeKey, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		kv.Close()
		return nil, fmt.Errorf("node: node key: %w", err)
	}
	pv := privval.LoadOrGenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	dbs := &dbTracker{}
	n, err := cmtnode.NewNode(cfg, pv, nodeKey, clientCreator(a),
		cmtnode.DefaultGenesisDocProviderFunc(cfg), dbs.provider,
		cmtnode.DefaultMetricsProvider(cfg.Instrumentation), logger)
	if err != nil {
		dbs.closeAll()
		kv.Close()
		return nil, fmt.Errorf("node: new: %w", err)
	}
	return &Node{Home: cfg.RootDir, App: a, Config: cfg, cmt: n, kv: kv, dbs: dbs, stopping: stopping}, nil
}

// Start starts CometBFT (p2p, consensus, RPC).
func (n *Node) Start() error {
	if err := n.cmt.Start(); err != nil {
		return fmt.Errorf("node: start: %w", err)
	}
	return nil
}

// Stop stops CometBFT, waits for it and closes CometBFT's and the app's
// databases.
func (n *Node) Stop() error {
	var errs []error
	if n.cmt.IsRunning() {
		n.stopping.Store(true)
		if err := n.cmt.Stop(); err != nil { // stops the p2p switch once
			errs = append(errs, err)
		}
		n.cmt.Wait()
		// The reactors' gossip routines check that they run every
		// PeerGossipSleepDuration; let them see it with the stores open
		// (later reads find nothing, see heldDB).
		time.Sleep(min(2*n.Config.Consensus.PeerGossipSleepDuration+20*time.Millisecond, time.Second))
	}
	n.dbs.closeAll()
	if err := n.kv.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("node: stop: %w", err)
	}
	return nil
}

// stopNoise are the messages CometBFT v0.38 logs at error level during a
// requested stop, about the stop itself: peers whose connections the stop
// closed, services it stops twice (the block sync pool), listeners it
// closed.
var stopNoise = map[string]bool{
	"Stopping peer for error":                        true,
	"error while stopping peer":                      true,
	"Won't start a peer - switch is not running":     true,
	"Error stopping pool":                            true,
	"Error stopping connection":                      true,
	"Stopped accept routine, as transport is closed": true,
	"Error serving server":                           true,
	"Error serving server with TLS":                  true,
}

// stopLogger passes CometBFT's logs on, except that once Stop has begun
// the stopNoise errors are logged at info: a clean stop logs no errors.
type stopLogger struct {
	next     log.Logger
	stopping *atomic.Bool
}

func (l stopLogger) Debug(msg string, kv ...any) { l.next.Debug(msg, kv...) }
func (l stopLogger) Info(msg string, kv ...any)  { l.next.Info(msg, kv...) }

func (l stopLogger) Error(msg string, kv ...any) {
	if stopNoise[msg] && l.stopping.Load() {
		l.next.Info(msg, kv...)
		return
	}
	l.next.Error(msg, kv...)
}

func (l stopLogger) With(kv ...any) log.Logger {
	return stopLogger{next: l.next.With(kv...), stopping: l.stopping}
}

// CometBFT returns the underlying CometBFT node.
func (n *Node) CometBFT() *cmtnode.Node { return n.cmt }

// Client returns an in-process RPC client (the same calls as the HTTP RPC).
func (n *Node) Client() *local.Local { return local.New(n.cmt) }

// RPCAddress returns the RPC listen address, e.g. "tcp://127.0.0.1:26657".
func (n *Node) RPCAddress() string { return n.Config.RPC.ListenAddress }

// clientCreator hands the app to CometBFT in process with one lock per
// ABCI connection (consensus, mempool, query, snapshot), not one lock for
// all of them (proxy.NewLocalClientCreator): the App serializes what
// touches the state machine itself, and its Query reads a saved version
// of the tree, so a query need not wait for a block's FinalizeBlock and
// Commit, nor a block for the queue of queries. With the single lock the
// worker's, the replicator's and the API's queries sat on the consensus
// path of the 5,000-source devnet (README, devnet).
func clientCreator(a abci.Application) proxy.ClientCreator {
	return proxy.NewConnSyncLocalClientCreator(a)
}
