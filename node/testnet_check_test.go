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
