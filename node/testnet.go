package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/plugins"
)

// TestnetOptions shape the homes that WriteTestnet writes (`assay init`,
// `assay testnet`, `assay devnet`).
type TestnetOptions struct {
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
	// CORSOrigins is [api] cors_origins in assay.toml (devnet: "*").
	CORSOrigins []string
	// AllowPrivateRanges is [fetch] allow_private_ranges in assay.toml:
	// CIDR ranges the http fetcher may dial although they are refused by
	// default (devnet: its mock exchange on loopback).
	AllowPrivateRanges []string
}

// Check validates what a user gives as text: AllowPrivateRanges (CIDR
// ranges, as [fetch] allow_private_ranges takes them) and ListenHost (an
// IP address or hostname; 0.0.0.0 and :: listen everywhere). Errors name
// the `assay testnet` flag. WriteTestnet checks o first.
func (o TestnetOptions) Check() error {
	if len(o.AllowPrivateRanges) > 0 {
		if _, err := (plugins.FetchConfig{AllowPrivateRanges: o.AllowPrivateRanges}).AllowedRanges(); err != nil {
			return fmt.Errorf("--allow-private-ranges: %w", err)
		}
	}
	if h := o.ListenHost; h != "" && h != "0.0.0.0" && h != "::" {
		if err := CheckHost(h); err != nil {
			return fmt.Errorf("--rpc-host %q: %w", h, err)
		}
	}
	return nil
}

// CheckNet checks what single flag ranges cannot: that n nodes on
// loopback (base-port+10i .. +6 each, unless every node has its own
// host) stay within 65535, and that the total stake fits CometBFT's
// voting power.
func CheckNet(n, basePort int, stake uint64, ownHosts bool) error {
	if last := basePort + 10*(n-1) + PortsPerHome - 1; !ownHosts && last > 65535 {
		return fmt.Errorf("-n %d from --base-port %d needs ports up to %d (> 65535)", n, basePort, last)
	}
	if maxPower := uint64(cmttypes.MaxTotalVotingPower); stake > maxPower/uint64(n) {
		return fmt.Errorf("--stake %d × %d validators exceeds CometBFT's total voting power %d", stake, n, maxPower)
	}
	return nil
}

// WriteTestnet writes o.Nodes homes dir/node0.. sharing one genesis
// (cometnode.WriteTestnet, with CometBFT's Prometheus on) and gives each
// its assay.toml: Default with the home's gateway port and o's worker
// and fetch settings.
func WriteTestnet(dir string, o TestnetOptions) ([]cometnode.Home, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	homes, err := cometnode.WriteTestnet(dir, cometnode.TestnetConfig{ChainID: o.ChainID, Validators: o.Nodes,
		Stakes: slices.Repeat([]uint64{o.Stake}, max(o.Nodes, 0)), BasePort: o.BasePort, Hosts: o.Hosts,
		ListenHost: o.ListenHost, Params: json.RawMessage(o.Params), TimeoutCommit: o.TimeoutCommit, Prometheus: true})
	if err != nil {
		return nil, err
	}
	for i, h := range homes {
		c := Default(HostPort(h.ListenHost, h.Ports.Gateway))
		c.API.Listen = HostPort(h.ListenHost, apiPort(o.BasePort, h.Ports))
		c.API.CORSOrigins = o.CORSOrigins
		c.Explorer.Listen = HostPort(h.ListenHost, sidePort(o.BasePort, h.Ports, ExplorerPortOffset))
		if o.Concurrency > 0 {
			c.Worker.Concurrency = o.Concurrency
		}
		c.Worker.Fault = o.Faults[i]
		c.Fetch.AllowPrivateRanges = o.AllowPrivateRanges
		c.Bitswap.Listen = []string{bitswapListen(h.ListenHost, o.BasePort, h.Ports)}
		if err := c.Write(h.Dir); err != nil {
			return nil, err
		}
	}
	return homes, nil
}

// apiPort is a home's API port: the one after its gateway's
// (BasePort+PortStride·i+4, inside the node's stride of ports), or 0 (any
// free port, known once the node started) when the ports were picked
// free (BasePort 0): the port after a free one may be taken.
func apiPort(base int, p cometnode.Ports) int { return sidePort(base, p, APIPortOffset) }

// sidePort is the port offset past a home's first (P2P) port, inside the
// node's stride of PortStride ports, or 0 (any free port, known once the
// node started) when the ports were picked free (BasePort 0).
func sidePort(base int, p cometnode.Ports, offset int) int {
	if base == 0 {
		return 0
	}
	return p.P2P + offset
}

// bitswapListen is a home's libp2p listen multiaddr: base+6 (26662 for
// `assay init`) with a fixed base port, any free port (tcp/0, announced
// on chain at each start) without.
func bitswapListen(host string, base int, p cometnode.Ports) string {
	port := sidePort(base, p, BitswapPortOffset)
	if host == "" {
		host = "127.0.0.1"
	}
	proto := "ip4"
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		proto = "ip6"
	} else if ip == nil {
		return fmt.Sprintf("/dns/%s/tcp/%d", host, port)
	}
	return fmt.Sprintf("/%s/%s/tcp/%d", proto, host, port)
}

// HostPort joins a host and a port (brackets for IPv6).
func HostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// ErrHomeExists is returned by Init for a home that already exists.
var ErrHomeExists = errors.New("node: home already exists; refusing to overwrite")

// Init writes a single-validator home at home (`assay init`): a
// one-node testnet written in a scratch directory beside it and renamed
// into place, so that a failure leaves no half-written home.
func Init(home string, o TestnetOptions) (cometnode.Home, error) {
	if _, err := os.Stat(home); err == nil {
		return cometnode.Home{}, fmt.Errorf("%s: %w", home, ErrHomeExists)
	}
	scratch, err := os.MkdirTemp(filepath.Dir(filepath.Clean(home)), ".assay-init-")
	if err != nil {
		return cometnode.Home{}, err
	}
	defer os.RemoveAll(scratch)
	o.Nodes = 1
	homes, err := WriteTestnet(scratch, o)
	if err != nil {
		return cometnode.Home{}, err
	}
	if err := os.Rename(homes[0].Dir, home); err != nil {
		return cometnode.Home{}, err
	}
	homes[0].Dir = home
	return homes[0], nil
}
