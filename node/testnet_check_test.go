package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTestnetOptionsCheck: bad ranges and listen hosts are refused with
// the flag named, before WriteTestnet writes anything.
func TestTestnetOptionsCheck(t *testing.T) {
	cases := []struct {
		name    string
		o       TestnetOptions
		wantErr string
	}{
		{"zero", TestnetOptions{}, ""},
		{"ranges", TestnetOptions{AllowPrivateRanges: []string{"127.0.0.0/8", "fd00::/8"}}, ""},
		{"bad range", TestnetOptions{AllowPrivateRanges: []string{"127.0.0.1"}}, `--allow-private-ranges: `},
		{"loopback", TestnetOptions{ListenHost: "127.0.0.1"}, ""},
		{"hostname", TestnetOptions{ListenHost: "node-1.example"}, ""},
		{"everywhere v4", TestnetOptions{ListenHost: "0.0.0.0"}, ""},
		{"everywhere v6", TestnetOptions{ListenHost: "::"}, ""},
		{"bad host", TestnetOptions{ListenHost: "bad_host!"}, `--rpc-host "bad_host!": `},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.Check()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Check() = %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
				t.Fatalf("Check() = %v, want %q…", err, tc.wantErr)
			}
			dir := filepath.Join(t.TempDir(), "net")
			o := tc.o
			o.ChainID, o.Nodes, o.BasePort, o.Stake = "c", 1, 30900, 100
			if _, err := WriteTestnet(dir, o); err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
				t.Errorf("WriteTestnet: %v, want %q…", err, tc.wantErr)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("homes written despite a bad option: %v", err)
			}
		})
	}
}

// TestCheckNet: loopback ports beyond 65535 and a total stake beyond
// CometBFT's voting power are refused, naming the flags; own hosts lift
// the port bound.
func TestCheckNet(t *testing.T) {
	tests := []struct {
		name     string
		n, base  int
		stake    uint64
		ownHosts bool
		want     string // "" for no error
	}{
		{"fits", 4, 26600, 100, false, ""},
		{"last port 65535", 1, 65529, 100, false, ""},
		{"ports beyond", 2, 65530, 100, false, "-n 2 from --base-port 65530 needs ports up to 65546 (> 65535)"},
		{"own hosts", 2, 65530, 100, true, ""},
		{"stake beyond", 2, 26600, 1 << 60, false, "--stake 1152921504606846976 × 2 validators exceeds CometBFT's total voting power"},
	}
	for _, tt := range tests {
		err := CheckNet(tt.n, tt.base, tt.stake, tt.ownHosts)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: CheckNet = %v, want %q", tt.name, err, tt.want)
		}
	}
}
