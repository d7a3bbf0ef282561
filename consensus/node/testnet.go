package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// ErrTestnet is returned for an invalid TestnetConfig or a home that
// already holds keys.
var ErrTestnet = errors.New("node: bad testnet config")

// DefaultBasePort is InitHome's first port: CometBFT's p2p port.
const DefaultBasePort = 26656

// DefaultPorts are the ports of a home InitHome writes with BasePort 0:
// DefaultBasePort and the next three (CometBFT's usual p2p, RPC and
// metrics ports, then the gateway). The CLI's default --node and
// --gateway addresses are its RPC and gateway ports on 127.0.0.1.
var DefaultPorts = Ports{P2P: DefaultBasePort, RPC: DefaultBasePort + 1, Prometheus: DefaultBasePort + 2, Gateway: DefaultBasePort + 3}

// PortStride is the distance between two nodes' BasePorts on one machine.
const PortStride = 10

// TestnetConfig describes homes written by WriteTestnet and InitHome.
type TestnetConfig struct {
	ChainID    string
	Validators int      // number of validator homes, ≥ 1
	Stakes     []uint64 // per validator, > 0; missing entries default to 100
	// BasePort: node i uses BasePort+PortStride·i and the next three
	// ports (see Ports); 0 picks free loopback ports.
	BasePort int
	// Hosts, when set, holds one distinct machine per validator
	// (CometBFT's testnet convention): every node uses the BasePort
	// ports, listens for p2p on 0.0.0.0 and dials its peers at their
	// host. Without Hosts, p2p is on 127.0.0.1.
	Hosts []string
	// ListenHost is where RPC and Prometheus listen, and Home.ListenHost
	// for an Assay gateway; "" is 127.0.0.1.
	ListenHost string
	// Params is the genesis params override in protojson (may be nil).
	Params json.RawMessage
	// AllowList restricts StoreCode and RegisterSource (hex addresses).
	AllowList []string
	// TimeoutCommit between blocks; 0 means 100 ms. Fast also shortens
	// propose/vote timeouts and gossip sleeps for tests.
	TimeoutCommit time.Duration
	Fast          bool
	// Prometheus turns on CometBFT's metrics at Ports.Prometheus. Leave
	// it off for several nodes in one process: they would register the
	// same metrics twice.
	Prometheus bool
}

// Ports are one node's TCP ports: BasePort+PortStride·i and the next
// three.
type Ports struct {
	P2P, RPC, Prometheus, Gateway int
}

// Home describes one home written by WriteTestnet or InitHome.
type Home struct {
	Dir        string
	NodeID     string // CometBFT node ID
	Operator   string // operator address, hex
	Host       string // where peers dial it
	ListenHost string // where its RPC, metrics and gateway listen
	Ports      Ports
}

// WriteTestnet writes tc.Validators homes dir/node0 … dir/nodeN-1 that
// share one genesis and peer with each other. It refuses to overwrite a
// home that holds keys already.
func WriteTestnet(dir string, tc TestnetConfig) ([]Home, error) {
	if tc.Validators < 1 {
		return nil, fmt.Errorf("%w: need ≥ 1 validator", ErrTestnet)
	}
	dirs := make([]string, tc.Validators)
	for i := range dirs {
		dirs[i] = filepath.Join(dir, fmt.Sprintf("node%d", i))
	}
	return writeHomes(dirs, tc)
}

// InitHome writes a single-validator home at home (like `cometbft init`):
// config/config.toml, the CometBFT keys, the operator key and a genesis
// whose only validator is this node. BasePort 0 means DefaultBasePort;
// tc.Validators is ignored.
func InitHome(home string, tc TestnetConfig) (Home, error) {
	tc.Validators = 1
	if tc.BasePort == 0 {
		tc.BasePort = DefaultBasePort
	}
	homes, err := writeHomes([]string{home}, tc)
	if err != nil {
		return Home{}, err
	}
	return homes[0], nil
}

// check validates tc for len(dirs) homes and refuses homes with keys.
func (tc TestnetConfig) check(dirs []string) error {
	if tc.ChainID == "" {
		return fmt.Errorf("%w: need a chain id", ErrTestnet)
	}
	if len(tc.Hosts) > 0 && len(tc.Hosts) != tc.Validators {
		return fmt.Errorf("%w: %d hosts for %d validators", ErrTestnet, len(tc.Hosts), tc.Validators)
	}
	for i, s := range tc.Stakes {
		if s == 0 {
			return fmt.Errorf("%w: validator %d has stake 0", ErrTestnet, i)
		}
	}
	for _, d := range dirs {
		for _, f := range []string{"config/priv_validator_key.json", "config/genesis.json", OperatorKeyFile} {
			if _, err := os.Stat(filepath.Join(d, f)); err == nil {
				return fmt.Errorf("%w: %s already holds %s; refusing to overwrite", ErrTestnet, d, f)
			}
		}
	}
	return nil
}

func (tc TestnetConfig) stake(i int) uint64 {
	if i < len(tc.Stakes) {
		return tc.Stakes[i]
	}
	return 100
}

func (tc TestnetConfig) listenHost() string {
	if tc.ListenHost == "" {
		return "127.0.0.1"
	}
	return tc.ListenHost
}

// p2pHosts returns where node i listens for p2p and where peers dial it.
func (tc TestnetConfig) p2pHosts(i int) (listen, dial string) {
	if len(tc.Hosts) > 0 {
		return "0.0.0.0", tc.Hosts[i] // reachable from the other machines
	}
	return "127.0.0.1", "127.0.0.1"
}

// ports returns each node's ports: from BasePort, or free loopback ports.
func (tc TestnetConfig) ports() ([]Ports, error) {
	machines := tc.Validators
	if len(tc.Hosts) > 0 {
		machines = 1 // distinct machines: the same ports everywhere
	}
	all := make([]int, 4*machines)
	for i := range all {
		if tc.BasePort > 0 {
			all[i] = tc.BasePort + PortStride*(i/4) + i%4
			continue
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("node: pick port: %w", err)
		}
		all[i] = l.Addr().(*net.TCPAddr).Port
		defer l.Close() // keep them all held until every port is chosen
	}
	ps := make([]Ports, tc.Validators)
	for i := range ps {
		m := 4 * (i % machines)
		ps[i] = Ports{all[m], all[m+1], all[m+2], all[m+3]}
	}
	return ps, nil
}

// hostPort joins a host and a port (brackets for IPv6).
func hostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}
