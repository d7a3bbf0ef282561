package node_test

import (
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/node"
)

// TestWriteTestnetLayout writes homes without starting them and checks
// the ports, listen addresses and peers of each.
func TestWriteTestnetLayout(t *testing.T) {
	tests := []struct {
		name     string
		tc       node.TestnetConfig
		wantP2P  []string // p2p listen address of node i
		wantDial []string // where peers dial node i
		wantRPC  []string
		wantProm bool
	}{
		{"loopback", node.TestnetConfig{BasePort: 30400, Validators: 2},
			[]string{"tcp://127.0.0.1:30400", "tcp://127.0.0.1:30410"},
			[]string{"127.0.0.1:30400", "127.0.0.1:30410"},
			[]string{"tcp://127.0.0.1:30401", "tcp://127.0.0.1:30411"}, false},
		{"hosts", node.TestnetConfig{BasePort: 30500, Validators: 2, Hosts: []string{"10.0.0.1", "fd00::2"},
			ListenHost: "0.0.0.0", Prometheus: true},
			[]string{"tcp://0.0.0.0:30500", "tcp://0.0.0.0:30500"},
			[]string{"10.0.0.1:30500", "[fd00::2]:30500"},
			[]string{"tcp://0.0.0.0:30501", "tcp://0.0.0.0:30501"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.tc.ChainID = chainID
			dir := t.TempDir()
			homes, err := node.WriteTestnet(dir, tt.tc)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range homes {
				cfg, err := node.LoadConfig(h.Dir)
				if err != nil {
					t.Fatal(err)
				}
				if h.Dir != filepath.Join(dir, "node"+string(rune('0'+i))) || cfg.P2P.ListenAddress != tt.wantP2P[i] ||
					cfg.RPC.ListenAddress != tt.wantRPC[i] || cfg.Instrumentation.Prometheus != tt.wantProm {
					t.Errorf("node%d: %s p2p %s rpc %s prometheus %v", i, h.Dir, cfg.P2P.ListenAddress,
						cfg.RPC.ListenAddress, cfg.Instrumentation.Prometheus)
				}
				var want []string
				for j, o := range homes {
					if j != i {
						want = append(want, o.NodeID+"@"+tt.wantDial[j])
					}
				}
				got := strings.Split(cfg.P2P.PersistentPeers, ",")
				sort.Strings(got)
				sort.Strings(want)
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("node%d peers %v, want %v", i, got, want)
				}
			}
			if _, err := node.WriteTestnet(dir, tt.tc); !errors.Is(err, node.ErrTestnet) {
				t.Errorf("second write over the homes: %v", err)
			}
		})
	}
}

// TestWriteTestnetFreePorts: BasePort 0 gives every node four distinct
// ports.
func TestWriteTestnetFreePorts(t *testing.T) {
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetConfig{ChainID: chainID, Validators: 3})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, h := range homes {
		for _, p := range []int{h.Ports.P2P, h.Ports.RPC, h.Ports.Prometheus, h.Ports.Gateway} {
			if p == 0 || seen[p] {
				t.Fatalf("port %d of %+v is zero or reused", p, h.Ports)
			}
			seen[p] = true
		}
	}
}
