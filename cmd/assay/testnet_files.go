package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"
	cmttime "github.com/cometbft/cometbft/types/time"

	"github.com/assaynet/assay/consensus/state"
)

// netOptions shape the homes that init, testnet and devnet write.
type netOptions struct {
	ChainID       string
	Nodes         int
	BasePort      int           // node i uses BasePort+10i .. +3
	Stake         uint64        // per validator
	TimeoutCommit time.Duration // CometBFT timeout_commit
	Params        string        // genesis params JSON ("" = defaults)
	Faults        map[int]string
	Concurrency   int // worker.concurrency in assay.toml (0: default)
}

// nodePorts are one node's loopback ports.
type nodePorts struct{ P2P, RPC, Prom, Gateway int }

func (o netOptions) ports(i int) nodePorts {
	b := o.BasePort + 10*i
	return nodePorts{b, b + 1, b + 2, b + 3}
}

// homeInfo is what writeNet learned about one home.
type homeInfo struct {
	Dir      string
	NodeID   string
	Operator string // hex
	Ports    nodePorts
}

// writeNet writes o.Nodes homes dir/node0.. sharing one genesis.
func writeNet(dir string, o netOptions) ([]homeInfo, error) {
	if o.Nodes < 1 {
		return nil, fmt.Errorf("need at least one node")
	}
	homes := make([]homeInfo, o.Nodes)
	cfgs := make([]*cmtcfg.Config, o.Nodes)
	gen := &types.GenesisDoc{ChainID: o.ChainID, GenesisTime: cmttime.Now(), ConsensusParams: types.DefaultConsensusParams()}
	app := state.Genesis{Params: json.RawMessage(o.Params)}
	for i := range homes {
		h := &homes[i]
		h.Dir, h.Ports = filepath.Join(dir, fmt.Sprintf("node%d", i)), o.ports(i)
		cfg, pv, err := writeHomeKeys(h)
		if err != nil {
			return nil, err
		}
		cfgs[i] = cfg
		pub, err := pv.GetPubKey()
		if err != nil {
			return nil, err
		}
		gen.Validators = append(gen.Validators, types.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: int64(o.Stake), Name: fmt.Sprintf("node%d", i)})
		app.Validators = append(app.Validators, state.GenesisValidator{Operator: h.Operator, ConsensusPubKey: base64.StdEncoding.EncodeToString(pub.Bytes()), Stake: o.Stake})
	}
	if len(app.Params) == 0 {
		app.Params = nil
	}
	appState, err := json.Marshal(app)
	if err != nil {
		return nil, err
	}
	gen.AppState = appState
	if err := gen.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("genesis: %w", err)
	}
	for i, h := range homes {
		if err := writeHomeConfig(h, cfgs[i], homes, o); err != nil {
			return nil, err
		}
		if err := gen.SaveAs(cfgs[i].GenesisFile()); err != nil {
			return nil, fmt.Errorf("write genesis: %w", err)
		}
	}
	return homes, nil
}

// writeHomeKeys creates the directories and the node, validator and
// operator keys of one home.
func writeHomeKeys(h *homeInfo) (*cmtcfg.Config, *privval.FilePV, error) {
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(h.Dir)
	for _, d := range []string{"config", "data"} {
		if err := os.MkdirAll(filepath.Join(h.Dir, d), 0o700); err != nil {
			return nil, nil, fmt.Errorf("create home: %w", err)
		}
	}
	if _, err := os.Stat(cfg.PrivValidatorKeyFile()); err == nil {
		return nil, nil, fmt.Errorf("%s already holds a validator key; refusing to overwrite", h.Dir)
	}
	pv := privval.GenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	pv.Save()
	nk, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, nil, fmt.Errorf("node key: %w", err)
	}
	h.NodeID = string(nk.ID())
	kf, _, err := newKeyFile("operator")
	if err != nil {
		return nil, nil, err
	}
	if err := writeKeyFile(filepath.Join(h.Dir, operatorKeyFile), kf); err != nil {
		return nil, nil, err
	}
	h.Operator = kf.Address
	return cfg, pv, nil
}

// writeHomeConfig writes config.toml (loopback ports, peers, short
// timeouts) and assay.toml.
func writeHomeConfig(h homeInfo, cfg *cmtcfg.Config, all []homeInfo, o netOptions) error {
	cfg.Moniker = filepath.Base(h.Dir)
	cfg.P2P.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", h.Ports.P2P)
	cfg.RPC.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", h.Ports.RPC)
	cfg.P2P.AllowDuplicateIP = true
	cfg.P2P.AddrBookStrict = false
	cfg.P2P.PexReactor = false
	var peers []string
	for _, p := range all {
		if p.Dir != h.Dir {
			peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", p.NodeID, p.Ports.P2P))
		}
	}
	cfg.P2P.PersistentPeers = strings.Join(peers, ",")
	cfg.Consensus.TimeoutPropose = time.Second
	cfg.Consensus.TimeoutCommit = o.TimeoutCommit
	cfg.Consensus.PeerGossipSleepDuration = 10 * time.Millisecond
	cfg.Consensus.PeerQueryMaj23SleepDuration = 200 * time.Millisecond
	// Validator code can be MiBs (Go wasm): room for a StoreCode tx.
	cfg.RPC.MaxBodyBytes = 16 << 20
	cfg.Mempool.MaxTxBytes = 8 << 20
	cfg.Mempool.MaxTxsBytes = 256 << 20
	cfg.Instrumentation.Prometheus = true
	cfg.Instrumentation.PrometheusListenAddr = fmt.Sprintf("127.0.0.1:%d", h.Ports.Prom)
	cfg.Instrumentation.Namespace = "cometbft"
	cmtcfg.WriteConfigFile(filepath.Join(h.Dir, "config", "config.toml"), cfg)
	ac := defaultAssayConfig(fmt.Sprintf("127.0.0.1:%d", h.Ports.Gateway))
	if o.Concurrency > 0 {
		ac.Worker.Concurrency = o.Concurrency
	}
	if o.Faults != nil {
		ac.Worker.Fault = o.Faults[indexOf(all, h)]
	}
	return writeAssayConfig(h.Dir, ac)
}

func indexOf(all []homeInfo, h homeInfo) int {
	for i := range all {
		if all[i].Dir == h.Dir {
			return i
		}
	}
	return -1
}
