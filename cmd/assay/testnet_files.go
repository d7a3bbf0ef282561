package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
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
	// Hosts, when set, holds one distinct machine per node (CometBFT's
	// testnet convention): every node uses the BasePort ports, listens
	// for p2p on 0.0.0.0 and dials its peers at their host.
	Hosts []string
	// ListenHost is where RPC, Prometheus and the gateway listen
	// ("" = 127.0.0.1).
	ListenHost string
}

// nodePorts are one node's loopback ports.
type nodePorts struct{ P2P, RPC, Prom, Gateway int }

func (o netOptions) ports(i int) nodePorts {
	if len(o.Hosts) > 0 {
		i = 0 // distinct machines: the same ports everywhere
	}
	b := o.BasePort + 10*i
	return nodePorts{b, b + 1, b + 2, b + 3}
}

// homeInfo is what writeNet learned about one home.
type homeInfo struct {
	Dir      string
	Host     string // where peers dial it
	NodeID   string
	Operator string // hex
	Ports    nodePorts
}

// writeNet writes o.Nodes homes dir/node0.. sharing one genesis.
func writeNet(dir string, o netOptions) ([]homeInfo, error) {
	if o.Nodes < 1 {
		return nil, fmt.Errorf("need at least one node")
	}
	if len(o.Hosts) > 0 && len(o.Hosts) != o.Nodes {
		return nil, fmt.Errorf("%w: %d hosts for %d nodes", errBadHosts, len(o.Hosts), o.Nodes)
	}
	homes := make([]homeInfo, o.Nodes)
	cfgs := make([]*cmtcfg.Config, o.Nodes)
	gen := &types.GenesisDoc{ChainID: o.ChainID, GenesisTime: cmttime.Now(), ConsensusParams: types.DefaultConsensusParams()}
	app := state.Genesis{Params: json.RawMessage(o.Params)}
	for i := range homes {
		h := &homes[i]
		h.Dir, h.Ports, h.Host = filepath.Join(dir, fmt.Sprintf("node%d", i)), o.ports(i), "127.0.0.1"
		if len(o.Hosts) > 0 {
			h.Host = o.Hosts[i]
		}
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

// hostPort joins a host and a port (brackets for IPv6).
func hostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// writeHomeConfig writes config.toml (ports, peers, short timeouts) and
// assay.toml.
func writeHomeConfig(h homeInfo, cfg *cmtcfg.Config, all []homeInfo, o netOptions) error {
	p2pHost, apiHost := "127.0.0.1", o.ListenHost
	if len(o.Hosts) > 0 {
		p2pHost = "0.0.0.0" // reachable from the other machines
	}
	if apiHost == "" {
		apiHost = "127.0.0.1"
	}
	cfg.Moniker = filepath.Base(h.Dir)
	cfg.P2P.ListenAddress = "tcp://" + hostPort(p2pHost, h.Ports.P2P)
	cfg.RPC.ListenAddress = "tcp://" + hostPort(apiHost, h.Ports.RPC)
	cfg.P2P.AllowDuplicateIP = true
	cfg.P2P.AddrBookStrict = false
	cfg.P2P.PexReactor = false
	var peers []string
	for _, p := range all {
		if p.Dir != h.Dir {
			peers = append(peers, p.NodeID+"@"+hostPort(p.Host, p.Ports.P2P))
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
	cfg.Instrumentation.PrometheusListenAddr = hostPort(apiHost, h.Ports.Prom)
	cfg.Instrumentation.Namespace = "cometbft"
	cmtcfg.WriteConfigFile(filepath.Join(h.Dir, "config", "config.toml"), cfg)
	ac := defaultAssayConfig(hostPort(apiHost, h.Ports.Gateway))
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
