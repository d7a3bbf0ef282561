package node

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmted "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// ErrTestnet is returned for an invalid TestnetConfig.
var ErrTestnet = errors.New("node: bad testnet config")

// TestnetConfig describes homes written by WriteTestnet.
type TestnetConfig struct {
	ChainID    string
	Validators int      // number of validator homes, ≥ 1
	Stakes     []uint64 // per validator; missing entries default to 100
	Host       string   // listen host, default 127.0.0.1
	// Ports: node i listens for p2p on BasePort+2i and RPC on BasePort+2i+1;
	// 0 picks free loopback ports.
	BasePort int
	// Params is the genesis params override in protojson (may be nil).
	Params json.RawMessage
	// AllowList restricts StoreCode and RegisterSource (hex addresses).
	AllowList []string
	// TimeoutCommit between blocks; 0 means 100 ms. Fast also shortens
	// propose/vote timeouts and gossip sleeps for tests and devnets.
	TimeoutCommit time.Duration
	Fast          bool
}

// homeInfo is what WriteTestnet learns about one home.
type homeInfo struct {
	dir      string
	cfg      *cmtcfg.Config
	nodeID   p2p.ID
	consPub  []byte
	operator []byte
}

// WriteTestnet writes tc.Validators homes dir/node0 … dir/nodeN-1 that
// share one genesis and peer with each other, and returns their paths.
func WriteTestnet(dir string, tc TestnetConfig) ([]string, error) {
	if tc.Validators < 1 || tc.ChainID == "" {
		return nil, fmt.Errorf("%w: need a chain id and ≥ 1 validator", ErrTestnet)
	}
	ports, err := testnetPorts(tc)
	if err != nil {
		return nil, err
	}
	infos := make([]*homeInfo, tc.Validators)
	for i := range infos {
		if infos[i], err = initHome(filepath.Join(dir, fmt.Sprintf("node%d", i)), tc, ports[2*i], ports[2*i+1]); err != nil {
			return nil, err
		}
	}
	gen, err := testnetGenesis(tc, infos)
	if err != nil {
		return nil, err
	}
	homes := make([]string, len(infos))
	for i, in := range infos {
		var peers []string
		for j, o := range infos {
			if j != i {
				peers = append(peers, fmt.Sprintf("%s@%s:%d", o.nodeID, host(tc), ports[2*j]))
			}
		}
		in.cfg.P2P.PersistentPeers = strings.Join(peers, ",")
		cmtcfg.WriteConfigFile(filepath.Join(in.dir, "config", "config.toml"), in.cfg)
		if err := gen.SaveAs(in.cfg.GenesisFile()); err != nil {
			return nil, fmt.Errorf("node: write genesis: %w", err)
		}
		homes[i] = in.dir
	}
	return homes, nil
}

// InitHome writes a single-validator home at home (like `cometbft init`):
// config/config.toml, the CometBFT keys, the operator key and a genesis
// whose only validator is this node. Ports: BasePort (p2p) and BasePort+1
// (RPC), by default CometBFT's 26656 and 26657. tc.Validators is ignored.
func InitHome(home string, tc TestnetConfig) error {
	if tc.ChainID == "" {
		return fmt.Errorf("%w: need a chain id", ErrTestnet)
	}
	base := tc.BasePort
	if base == 0 {
		base = 26656
	}
	in, err := initHome(home, tc, base, base+1)
	if err != nil {
		return err
	}
	gen, err := testnetGenesis(tc, []*homeInfo{in})
	if err != nil {
		return err
	}
	cmtcfg.WriteConfigFile(filepath.Join(home, "config", "config.toml"), in.cfg)
	if err := gen.SaveAs(in.cfg.GenesisFile()); err != nil {
		return fmt.Errorf("node: write genesis: %w", err)
	}
	return nil
}

func host(tc TestnetConfig) string {
	if tc.Host == "" {
		return "127.0.0.1"
	}
	return tc.Host
}

// testnetPorts returns two ports per validator.
func testnetPorts(tc TestnetConfig) ([]int, error) {
	ports := make([]int, 2*tc.Validators)
	for i := range ports {
		if tc.BasePort > 0 {
			ports[i] = tc.BasePort + i
			continue
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("node: pick port: %w", err)
		}
		ports[i] = l.Addr().(*net.TCPAddr).Port
		defer l.Close() // keep them all held until every port is chosen
	}
	return ports, nil
}

// initHome writes the config, keys and operator key of one home.
func initHome(dir string, tc TestnetConfig, p2pPort, rpcPort int) (*homeInfo, error) {
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o700); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(dir)
	if _, err := os.Stat(cfg.GenesisFile()); err == nil {
		return nil, fmt.Errorf("%w: %s is already initialised", ErrTestnet, dir)
	}
	cfg.Moniker = filepath.Base(dir)
	cfg.P2P.ListenAddress = fmt.Sprintf("tcp://%s:%d", host(tc), p2pPort)
	cfg.RPC.ListenAddress = fmt.Sprintf("tcp://%s:%d", host(tc), rpcPort)
	cfg.P2P.AllowDuplicateIP = true
	cfg.P2P.AddrBookStrict = false
	cfg.P2P.PexReactor = false
	cfg.Mempool.MaxTxBytes = int(state.DefaultParams().MaxTxBytes)
	cfg.Consensus.TimeoutCommit = tc.TimeoutCommit
	if cfg.Consensus.TimeoutCommit == 0 {
		cfg.Consensus.TimeoutCommit = 100 * time.Millisecond
	}
	if tc.Fast {
		cfg.Consensus.TimeoutPropose = 500 * time.Millisecond
		cfg.Consensus.TimeoutPrevote = 100 * time.Millisecond
		cfg.Consensus.TimeoutPrecommit = 100 * time.Millisecond
		cfg.Consensus.PeerGossipSleepDuration = 10 * time.Millisecond
		cfg.Consensus.PeerQueryMaj23SleepDuration = 100 * time.Millisecond
	}
	cfg.Instrumentation.Prometheus = false
	pv := privval.GenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	pv.Save()
	nk, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("node: node key: %w", err)
	}
	op, err := LoadOrGenOperatorKey(dir)
	if err != nil {
		return nil, err
	}
	return &homeInfo{dir: dir, cfg: cfg, nodeID: nk.ID(), consPub: pv.Key.PubKey.Bytes(),
		operator: tx.Address(op.Public().(ed25519.PublicKey))}, nil
}

// testnetGenesis builds the shared genesis document.
func testnetGenesis(tc TestnetConfig, infos []*homeInfo) (*types.GenesisDoc, error) {
	g := state.Genesis{Params: tc.Params, AllowList: tc.AllowList}
	gen := &types.GenesisDoc{ChainID: tc.ChainID, GenesisTime: time.Now().UTC(), InitialHeight: 1,
		ConsensusParams: types.DefaultConsensusParams()}
	gen.ConsensusParams.Block.MaxBytes = 22020096
	for i, in := range infos {
		stake := uint64(100)
		if i < len(tc.Stakes) && tc.Stakes[i] > 0 {
			stake = tc.Stakes[i]
		}
		g.Validators = append(g.Validators, state.GenesisValidator{Operator: hex.EncodeToString(in.operator),
			ConsensusPubKey: base64.StdEncoding.EncodeToString(in.consPub), Stake: stake})
		gen.Validators = append(gen.Validators, types.GenesisValidator{Address: cmted.PubKey(in.consPub).Address(),
			PubKey: cmted.PubKey(in.consPub), Power: int64(stake), Name: filepath.Base(in.dir)})
	}
	app, err := json.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("node: genesis: %w", err)
	}
	gen.AppState = app
	if err := gen.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("node: genesis: %w", err)
	}
	return gen, nil
}
