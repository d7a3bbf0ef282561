package node

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"
	cmttime "github.com/cometbft/cometbft/types/time"

	"github.com/assaynet/assay/consensus/state"
)

// writeHomes writes one validator home per dir, sharing one genesis.
func writeHomes(dirs []string, tc TestnetConfig) ([]Home, error) {
	if err := tc.check(dirs); err != nil {
		return nil, err
	}
	ports, err := tc.ports()
	if err != nil {
		return nil, err
	}
	homes := make([]Home, len(dirs))
	cfgs := make([]*cmtcfg.Config, len(dirs))
	pubs := make([]crypto.PubKey, len(dirs))
	vrfs := make([]ed25519.PublicKey, len(dirs))
	for i, d := range dirs {
		_, dial := tc.p2pHosts(i)
		homes[i] = Home{Dir: d, Host: dial, ListenHost: tc.listenHost(), Ports: ports[i]}
		if cfgs[i], pubs[i], vrfs[i], err = writeKeys(&homes[i]); err != nil {
			return nil, err
		}
	}
	gen, err := testnetGenesis(tc, homes, pubs, vrfs)
	if err != nil {
		return nil, err
	}
	for i, h := range homes {
		tc.configure(cfgs[i], i, homes)
		cmtcfg.WriteConfigFile(filepath.Join(h.Dir, "config", "config.toml"), cfgs[i])
		if err := gen.SaveAs(cfgs[i].GenesisFile()); err != nil {
			return nil, fmt.Errorf("node: write genesis: %w", err)
		}
	}
	return homes, nil
}

// writeKeys creates the directories and the validator, node, operator and
// VRF keys of h, filling in h.NodeID and h.Operator.
func writeKeys(h *Home) (*cmtcfg.Config, crypto.PubKey, ed25519.PublicKey, error) {
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(h.Dir)
	for _, d := range []string{"config", "data"} {
		if err := os.MkdirAll(filepath.Join(h.Dir, d), 0o700); err != nil {
			return nil, nil, nil, fmt.Errorf("node: create home: %w", err)
		}
	}
	pv := privval.GenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	pv.Save()
	nk, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("node: node key: %w", err)
	}
	k, _, err := NewKeyFile("operator")
	if err != nil {
		return nil, nil, nil, err
	}
	if err := k.Save(filepath.Join(h.Dir, OperatorKeyFile)); err != nil {
		return nil, nil, nil, err
	}
	vrf, err := LoadOrGenVRFKey(h.Dir)
	if err != nil {
		return nil, nil, nil, err
	}
	h.NodeID, h.Operator = string(nk.ID()), k.Address
	return cfg, pv.Key.PubKey, vrf.Public().(ed25519.PublicKey), nil
}

// configure sets node i's config.toml: ports, peers, timeouts and limits.
func (tc TestnetConfig) configure(cfg *cmtcfg.Config, i int, all []Home) {
	h := all[i]
	p2pListen, _ := tc.p2pHosts(i)
	cfg.Moniker = filepath.Base(h.Dir)
	cfg.P2P.ListenAddress = "tcp://" + hostPort(p2pListen, h.Ports.P2P)
	cfg.RPC.ListenAddress = "tcp://" + hostPort(h.ListenHost, h.Ports.RPC)
	cfg.P2P.AllowDuplicateIP = true
	cfg.P2P.AddrBookStrict = false
	cfg.P2P.PexReactor = false
	var peers []string
	for j, p := range all {
		if j != i {
			peers = append(peers, p.NodeID+"@"+hostPort(p.Host, p.Ports.P2P))
		}
	}
	cfg.P2P.PersistentPeers = strings.Join(peers, ",")
	cfg.Consensus.TimeoutCommit = tc.TimeoutCommit
	if cfg.Consensus.TimeoutCommit == 0 {
		cfg.Consensus.TimeoutCommit = 100 * time.Millisecond
	}
	cfg.Consensus.TimeoutPropose = time.Second
	cfg.Consensus.PeerGossipSleepDuration = 10 * time.Millisecond
	cfg.Consensus.PeerQueryMaj23SleepDuration = 200 * time.Millisecond
	if tc.Fast {
		cfg.Consensus.TimeoutPropose = 500 * time.Millisecond
		cfg.Consensus.TimeoutPrevote = 100 * time.Millisecond
		cfg.Consensus.TimeoutPrecommit = 100 * time.Millisecond
		cfg.Consensus.PeerQueryMaj23SleepDuration = 100 * time.Millisecond
	}
	// Validator code can be MiBs (Go wasm): room for a StoreCode tx.
	cfg.RPC.MaxBodyBytes = 16 << 20
	cfg.Mempool.MaxTxBytes = 8 << 20
	cfg.Mempool.MaxTxsBytes = 256 << 20
	cfg.Instrumentation.Prometheus = tc.Prometheus
	cfg.Instrumentation.PrometheusListenAddr = hostPort(h.ListenHost, h.Ports.Prometheus)
	cfg.Instrumentation.Namespace = "cometbft"
}

// testnetGenesis builds the shared genesis document.
func testnetGenesis(tc TestnetConfig, homes []Home, pubs []crypto.PubKey, vrfs []ed25519.PublicKey) (*types.GenesisDoc, error) {
	g := state.Genesis{Params: tc.Params, AllowList: tc.AllowList}
	if len(g.Params) == 0 {
		g.Params = nil
	}
	gen := &types.GenesisDoc{ChainID: tc.ChainID, GenesisTime: cmttime.Now(), InitialHeight: 1,
		ConsensusParams: types.DefaultConsensusParams()}
	for i, h := range homes {
		g.Validators = append(g.Validators, state.GenesisValidator{Operator: h.Operator,
			ConsensusPubKey: base64.StdEncoding.EncodeToString(pubs[i].Bytes()),
			VRFPubKey:       base64.StdEncoding.EncodeToString(vrfs[i]), Stake: tc.stake(i)})
		gen.Validators = append(gen.Validators, types.GenesisValidator{Address: pubs[i].Address(),
			PubKey: pubs[i], Power: int64(tc.stake(i)), Name: filepath.Base(h.Dir)})
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
