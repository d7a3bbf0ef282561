package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/p2p"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/node"
)

// TestTestnetHosts writes homes for four machines and checks the files:
// p2p on 0.0.0.0 with one port for all, each node's persistent peers are
// the other nodes' IDs at their hosts, RPC/gateway on --rpc-host, one
// genesis. Nothing is started.
func TestTestnetHosts(t *testing.T) {
	tests := []struct {
		name, hosts, rpcHost string
		wantPeerHost         []string // peer address of node i as written
		wantRPC, wantGateway string
	}{
		{"ipv4", "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4", "127.0.0.1",
			[]string{"10.0.0.1:30200", "10.0.0.2:30200", "10.0.0.3:30200", "10.0.0.4:30200"},
			"tcp://127.0.0.1:30201", "127.0.0.1:30203"},
		{"names and ipv6", "val-a.example.net,val-b.example.net, fd00::3 ,10.1.2.3", "0.0.0.0",
			[]string{"val-a.example.net:30200", "val-b.example.net:30200", "[fd00::3]:30200", "10.1.2.3:30200"},
			"tcp://0.0.0.0:30201", "0.0.0.0:30203"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var out, errb bytes.Buffer
			args := []string{"testnet", "-n", "4", "-o", dir, "--base-port", "30200", "--hosts", tc.hosts, "--rpc-host", tc.rpcHost}
			if code := run(args, &out, &errb); code != 0 {
				t.Fatalf("testnet: %d %s", code, errb.String())
			}
			ids := make([]string, 4)
			for i := range ids {
				nk, err := p2p.LoadNodeKey(filepath.Join(dir, nodeName(i), "config", "node_key.json"))
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = string(nk.ID())
			}
			genesis := readFile(t, filepath.Join(dir, "node0", "config", "genesis.json"))
			for i := range ids {
				home := filepath.Join(dir, nodeName(i))
				checkHostHome(t, home, i, ids, tc.wantPeerHost, tc.wantRPC, tc.wantGateway)
				if g := readFile(t, filepath.Join(home, "config", "genesis.json")); !bytes.Equal(g, genesis) {
					t.Errorf("node%d has its own genesis", i)
				}
				if !strings.Contains(out.String(), "p2p "+tc.wantPeerHost[i]) {
					t.Errorf("output does not list node%d at %s:\n%s", i, tc.wantPeerHost[i], out.String())
				}
			}
		})
	}
}

// checkHostHome checks node i's config.toml and assay.toml.
func checkHostHome(t *testing.T, home string, i int, ids, peerHost []string, wantRPC, wantGateway string) {
	t.Helper()
	cfg, err := cometnode.LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.P2P.ListenAddress != "tcp://0.0.0.0:30200" || cfg.RPC.ListenAddress != wantRPC {
		t.Errorf("node%d: p2p %s rpc %s", i, cfg.P2P.ListenAddress, cfg.RPC.ListenAddress)
	}
	var want []string
	for j := range ids {
		if j != i {
			want = append(want, ids[j]+"@"+peerHost[j])
		}
	}
	got := strings.Split(cfg.P2P.PersistentPeers, ",")
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("node%d persistent_peers\n got  %v\n want %v", i, got, want)
	}
	ac, err := node.Load(home)
	if err != nil {
		t.Fatal(err)
	}
	if ac.Gateway.Listen != wantGateway {
		t.Errorf("node%d gateway %q, want %q", i, ac.Gateway.Listen, wantGateway)
	}
}

func nodeName(i int) string { return "node" + string(rune('0'+i)) }

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTestnetHostsRejected: bad --hosts lists are usage errors and write
// nothing.
func TestTestnetHostsRejected(t *testing.T) {
	tests := []struct{ name, n, hosts, want string }{
		{"too few", "4", "10.0.0.1,10.0.0.2,10.0.0.3", "3 hosts for -n 4"},
		{"too many", "2", "10.0.0.1,10.0.0.2,10.0.0.3", "3 hosts for -n 2"},
		{"duplicate ip", "3", "10.0.0.1,10.0.0.2,10.0.0.1", "hosts 0 and 2"},
		{"duplicate name", "2", "Node.example,node.example", "hosts 0 and 1"},
		{"empty entry", "3", "10.0.0.1,,10.0.0.3", `host 1 ""`},
		{"unspecified", "2", "0.0.0.0,10.0.0.2", "unspecified"},
		{"port given", "2", "10.0.0.1:26656,10.0.0.2", "not an IP address or hostname"},
		{"underscore", "2", "bad_host,10.0.0.2", "not an IP address or hostname"},
		{"hyphen", "2", "-a.example,10.0.0.2", "hyphen"},
		{"long label", "2", strings.Repeat("a", 64) + ",b", "1 to 63"},
		{"url", "2", "http://x,y", "not an IP address or hostname"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "net")
			var out, errb bytes.Buffer
			code := run([]string{"testnet", "-n", tc.n, "-o", dir, "--hosts", tc.hosts}, &out, &errb)
			if code != 2 || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errb.String(), tc.want)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("rejected testnet wrote %s", dir)
			}
		})
	}
}

// TestTestnetLoopbackUnchanged: without --hosts node i still uses
// base-port+10i on 127.0.0.1 and dials its peers there.
func TestTestnetLoopbackUnchanged(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"testnet", "-n", "2", "-o", dir, "--base-port", "30300"}, &out, &errb); code != 0 {
		t.Fatalf("testnet: %d %s", code, errb.String())
	}
	cfg, err := cometnode.LoadConfig(filepath.Join(dir, "node1"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.P2P.ListenAddress != "tcp://127.0.0.1:30310" || !strings.HasSuffix(cfg.P2P.PersistentPeers, "@127.0.0.1:30300") {
		t.Errorf("node1: p2p %s peers %s", cfg.P2P.ListenAddress, cfg.P2P.PersistentPeers)
	}
}
