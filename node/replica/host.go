package replica

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ipfs/boxo/bitswap"
	bsnet "github.com/ipfs/boxo/bitswap/network/bsnet"
	"github.com/ipfs/boxo/blockstore"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	csec "github.com/libp2p/go-libp2p/core/sec"
	basichost "github.com/libp2p/go-libp2p/p2p/host/basic"
	"github.com/libp2p/go-libp2p/p2p/host/eventbus"
	"github.com/libp2p/go-libp2p/p2p/host/peerstore/pstoremem"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/libp2p/go-libp2p/p2p/net/upgrader"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// Host is a node's libp2p host with a bitswap client and server over
// the node's blockstore: any IPFS peer that dials it can fetch the
// blocks the node holds by CID, and the node fetches from its peers.
type Host struct {
	// P2P is the libp2p host (TCP, Noise, Yamux; no QUIC, relay, NAT
	// traversal or DHT).
	P2P host.Host
	// Bitswap is the bitswap client and server.
	Bitswap *bitswap.Bitswap

	rm network.ResourceManager
}

// NewHost starts a libp2p host with identity key, listening on listen
// (multiaddrs such as /ip4/127.0.0.1/tcp/26661), and a bitswap client
// and server over bs. Close it when done.
func NewHost(ctx context.Context, key crypto.PrivKey, listen []string, bs blockstore.Blockstore) (*Host, error) {
	h, rm, err := newP2P(key, listen)
	if err != nil {
		return nil, fmt.Errorf("replica: libp2p host on %v: %w", listen, err)
	}
	// no content routing: a node asks the peers it is connected to (the
	// attesters it dials), as a plain IPFS peer asks its peers
	b := bitswap.New(ctx, bsnet.NewFromIpfsHost(h), nil, bs, bitswap.SetSendDontHaves(true))
	return &Host{P2P: h, Bitswap: b, rm: rm}, nil
}

// newP2P assembles a libp2p host from its parts: TCP only, Noise,
// Yamux, the default resource limits. Building it without the go-libp2p
// package's defaults keeps QUIC, WebRTC and WebTransport out of the
// binary.
func newP2P(key crypto.PrivKey, listen []string) (host.Host, network.ResourceManager, error) {
	addrs := make([]ma.Multiaddr, len(listen))
	for i, l := range listen {
		m, err := ma.NewMultiaddr(l)
		if err != nil {
			return nil, nil, fmt.Errorf("listen %q: %w", l, err)
		}
		addrs[i] = m
	}
	id, err := peer.IDFromPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	ps, err := pstoremem.NewPeerstore()
	if err != nil {
		return nil, nil, err
	}
	if err := errors.Join(ps.AddPrivKey(id, key), ps.AddPubKey(id, key.GetPublic())); err != nil {
		return nil, nil, err
	}
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(rcmgr.DefaultLimits.AutoScale()))
	if err != nil {
		return nil, nil, err
	}
	bus := eventbus.NewBus()
	sw, err := swarm.NewSwarm(id, ps, bus, swarm.WithResourceManager(rm))
	if err != nil {
		_ = rm.Close()
		return nil, nil, err
	}
	h, err := assemble(sw, key, rm, bus, addrs)
	if err != nil {
		_ = sw.Close()
		_ = rm.Close()
		return nil, nil, err
	}
	return h, rm, nil
}

// assemble adds the TCP transport to sw, listens and starts a host.
func assemble(sw *swarm.Swarm, key crypto.PrivKey, rm network.ResourceManager, bus event.Bus, addrs []ma.Multiaddr) (host.Host, error) {
	muxers := []upgrader.StreamMuxer{{ID: yamux.ID, Muxer: yamux.DefaultTransport}}
	sec, err := noise.New(noise.ID, key, muxers)
	if err != nil {
		return nil, err
	}
	up, err := upgrader.New([]csec.SecureTransport{sec}, muxers, nil, rm, nil)
	if err != nil {
		return nil, err
	}
	tr, err := tcp.NewTCPTransport(up, rm, nil)
	if err != nil {
		return nil, err
	}
	if err := sw.AddTransport(tr); err != nil {
		return nil, err
	}
	if err := sw.Listen(addrs...); err != nil {
		return nil, err
	}
	h, err := basichost.NewHost(sw, &basichost.HostOpts{EventBus: bus, DisableSignedPeerRecord: true})
	if err != nil {
		return nil, err
	}
	h.Start()
	return h, nil
}

// Addrs returns the host's listen addresses as /…/p2p/<peer id>
// multiaddrs, the form other peers dial: the listeners' own addresses
// (stable, unlike the host's observed ones), or the host's interface
// addresses when a listener is on an unspecified address (0.0.0.0).
func (h *Host) Addrs() []string {
	addrs := h.P2P.Network().ListenAddresses()
	for _, a := range addrs {
		if ip, err := manet.ToIP(a); err == nil && ip.IsUnspecified() {
			addrs = h.P2P.Addrs()
			break
		}
	}
	self := peer.AddrInfo{ID: h.P2P.ID(), Addrs: addrs}
	mas, err := peer.AddrInfoToP2pAddrs(&self)
	if err != nil {
		return nil
	}
	out := make([]string, len(mas))
	for i, m := range mas {
		out[i] = m.String()
	}
	return out
}

// Connect dials the peers of multiaddrs (each ending in /p2p/<id>),
// returning how many are connected; unparsable addresses and failed
// dials are skipped (the error joins them).
func (h *Host) Connect(ctx context.Context, multiaddrs []string) (int, error) {
	var errs []error
	var infos []peer.AddrInfo
	for _, s := range multiaddrs {
		m, err := ma.NewMultiaddr(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("multiaddr %q: %w", s, err))
			continue
		}
		ai, err := peer.AddrInfoFromP2pAddr(m)
		if err != nil {
			errs = append(errs, fmt.Errorf("multiaddr %q: %w", s, err))
			continue
		}
		infos = append(infos, *ai)
	}
	n := 0
	for _, ai := range infos {
		if ai.ID == h.P2P.ID() {
			continue
		}
		if err := h.P2P.Connect(ctx, ai); err != nil {
			errs = append(errs, fmt.Errorf("dial %s: %w", ai.ID, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// Close stops bitswap and the host.
func (h *Host) Close() error {
	return errors.Join(h.Bitswap.Close(), h.P2P.Close(), h.rm.Close())
}

// LoadOrCreateKey reads the libp2p identity key at path (a protobuf
// private key, as Kubo keeps one), or creates an Ed25519 key there
// (0600) when the file does not exist.
func LoadOrCreateKey(path string) (crypto.PrivKey, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := crypto.UnmarshalPrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("replica: libp2p key %s: %w", path, err)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("replica: libp2p key: %w", err)
	}
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("replica: generate libp2p key: %w", err)
	}
	b, err = crypto.MarshalPrivateKey(k)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("replica: libp2p key: %w", err)
	}
	// write and rename: a crash leaves no half-written key
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return nil, fmt.Errorf("replica: write libp2p key: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("replica: write libp2p key: %w", err)
	}
	return k, nil
}
