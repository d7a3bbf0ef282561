package node

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
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

	cmt *cmtnode.Node
	kv  *app.DBKV
	dbs *dbTracker
}

// dbTracker opens CometBFT's databases and remembers them: in v0.38 the
// node's OnStop leaves the tx indexer's database open, so a node opened
// again from the same home in the same process could not lock it.
type dbTracker struct {
	mu  sync.Mutex
	dbs []dbm.DB
}

func (t *dbTracker) provider(ctx *cmtcfg.DBContext) (dbm.DB, error) {
	db, err := cmtcfg.DefaultDBProvider(ctx)
	if err == nil {
		t.mu.Lock()
		t.dbs = append(t.dbs, db)
		t.mu.Unlock()
	}
	return db, err
}

// closeAll closes every database; ones CometBFT closed already just
// report that, which is ignored.
func (t *dbTracker) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, db := range t.dbs {
		_ = db.Close()
	}
	t.dbs = nil
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
// is home/data/assay.db, CometBFT's are beside it.
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
	kv, err := app.OpenKV(cfg.DBDir())
	if err != nil {
		return nil, err
	}
	a, err := app.New(kv, rules.V1())
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
	n, err := cmtnode.NewNode(cfg, pv, nodeKey, proxy.NewLocalClientCreator(a),
		cmtnode.DefaultGenesisDocProviderFunc(cfg), dbs.provider,
		cmtnode.DefaultMetricsProvider(cfg.Instrumentation), opts.Logger)
	if err != nil {
		dbs.closeAll()
		kv.Close()
		return nil, fmt.Errorf("node: new: %w", err)
	}
	return &Node{Home: cfg.RootDir, App: a, Config: cfg, cmt: n, kv: kv, dbs: dbs}, nil
}

// Start starts CometBFT (p2p, consensus, RPC).
func (n *Node) Start() error {
	if err := n.cmt.Start(); err != nil {
		return fmt.Errorf("node: start: %w", err)
	}
	return nil
}

// Stop stops CometBFT, waits for it and closes the app database.
func (n *Node) Stop() error {
	var errs []error
	if n.cmt.IsRunning() {
		n.stopPeers()
		if err := n.cmt.Stop(); err != nil {
			errs = append(errs, err)
		}
		n.cmt.Wait()
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

// stopPeers stops the p2p switch and lets the consensus reactor's peer
// routines finish their last sleep before the stores close: in CometBFT
// v0.38 queryMaj23Routine reads the block store after sleeping
// PeerQueryMaj23SleepDuration without checking that it still runs, and
// panics with "leveldb: closed" if Stop closed the store meanwhile.
func (n *Node) stopPeers() {
	if err := n.cmt.Switch().Stop(); err != nil {
		return
	}
	wait := 2*n.Config.Consensus.PeerQueryMaj23SleepDuration + 50*time.Millisecond
	time.Sleep(min(wait, 5*time.Second))
}

// CometBFT returns the underlying CometBFT node.
func (n *Node) CometBFT() *cmtnode.Node { return n.cmt }

// Client returns an in-process RPC client (the same calls as the HTTP RPC).
func (n *Node) Client() *local.Local { return local.New(n.cmt) }

// RPCAddress returns the RPC listen address, e.g. "tcp://127.0.0.1:26657".
func (n *Node) RPCAddress() string { return n.Config.RPC.ListenAddress }
