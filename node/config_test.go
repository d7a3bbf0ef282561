package node

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/plugins"
)

// TestAssayConfigRejectsTyposAndRanges: every unknown key and every value
// out of its range is an error naming the key (they used to fall back to
// defaults silently: concurrency = -1 ran with 4, max_bytes = -1 with 16 MiB).
func TestAssayConfigRejectsTyposAndRanges(t *testing.T) {
	cases := []struct {
		name, extra, want string
	}{
		{"defaults", "", ""},
		{"unknown top key", "operator_keyfile = \"k\"\n", `unknown key "operator_keyfile"`},
		{"unknown table key", "[worker]\nconcurency = 4\n", `unknown key "worker.concurency"`},
		{"unknown table", "[gatway]\nlisten = \"\"\n", `unknown key "gatway"`},
		{"unknown plugin key", "[[plugins]]\nname = \"p\"\npth = \"x\"\n", `unknown key "plugins.pth"`},
		{"concurrency zero", "[worker]\nconcurrency = 0\n", "worker.concurrency: 0 is out of range"},
		{"concurrency negative", "[worker]\nconcurrency = -1\n", "worker.concurrency: -1 is out of range"},
		{"concurrency huge", "[worker]\nconcurrency = 100000\n", "worker.concurrency: 100000 is out of range"},
		{"max_bytes zero", "[fetch]\nmax_bytes = 0\n", "fetch.max_bytes: 0 is out of range"},
		{"max_bytes negative", "[fetch]\nmax_bytes = -1\n", "fetch.max_bytes: -1 is out of range"},
		{"fetch concurrency", "[fetch]\nconcurrency = -3\n", "fetch.concurrency: -3 is out of range"},
		{"bitswap listen", "[bitswap]\nlisten = [\"127.0.0.1:4001\"]\n", `bitswap.listen: "127.0.0.1:4001" is not a multiaddr`},
		{"bitswap announce", "[bitswap]\nannounce = [\"/ip4/x\"]\n", `bitswap.announce: "/ip4/x" is not a multiaddr`},
		{"replicate concurrency", "[replicate]\nconcurrency = 0\n", "replicate.concurrency: 0 is out of range"},
		{"replicate attempts", "[replicate]\nattempts = 0\n", "replicate.attempts: 0 is out of range"},
		{"replicate timeout", "[replicate]\ntimeout = \"0s\"\n", "replicate.timeout: 0s is out of range"},
		{"replicate max_bytes", "[replicate]\nmax_bytes = -1\n", "replicate.max_bytes: -1 is out of range"},
		{"replicate typo", "[replicate]\ninput = true\n", `unknown key "replicate.input"`},
		{"public_url", "[gateway]\npublic_url = \"gw.example\"\n", `gateway.public_url: "gw.example" is not an http(s) URL`},
		{"timeout zero", "[fetch]\ntimeout = \"0s\"\n", "fetch.timeout: 0s is out of range"},
		{"timeout negative", "[fetch]\ntimeout = \"-5s\"\n", "fetch.timeout: -5s is out of range"},
		{"timeout bad", "[fetch]\ntimeout = \"soon\"\n", "timeout"},
		{"engine", "[sandbox]\nengine = \"jit\"\n", `sandbox.engine: "jit"`},
		{"fault", "[worker]\nfault = \"evil\"\n", `worker.fault: "evil"`},
		{"gateway", "[gateway]\nlisten = \"8080\"\n", `gateway.listen: "8080"`},
		{"explorer", "[explorer]\nlisten = \"localhost\"\n", `explorer.listen: "localhost"`},
		{"explorer off", "[explorer]\nlisten = \"\"\n", ""},
		{"empty dir", "[pin]\ndir = \"\"\n", "pin.dir: must be set"},
		{"api listen", "[api]\nlisten = \"26660\"\n", `api.listen: "26660"`},
		{"api off", "[api]\nlisten = \"\"\n", ""},
		{"api origins", "[api]\ncors_origins = [\"*\", \"https://app.example\", \"http://localhost:3000\"]\n", ""},
		{"api origin path", "[api]\ncors_origins = [\"https://app.example/\"]\n", `api.cors_origins: "https://app.example/"`},
		{"api origin scheme", "[api]\ncors_origins = [\"app.example\"]\n", `api.cors_origins: "app.example"`},
		{"api origin ftp", "[api]\ncors_origins = [\"ftp://app.example\"]\n", `api.cors_origins: "ftp://app.example"`},
		{"api unknown key", "[api]\ncors = []\n", `unknown key "api.cors"`},
		{"wrong type", "[worker]\nconcurrency = \"four\"\n", "concurrency"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := Default("127.0.0.1:0").Write(home); err != nil {
				t.Fatal(err)
			}
			if tc.extra != "" { // the case's keys alone, over the defaults
				if err := os.WriteFile(filepath.Join(home, ConfigFile), []byte(tc.extra), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Load(home)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("default config refused: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("accepted; want an error with %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// TestFetchDefaultsAreTheNodes: a [fetch] table that leaves max_bytes out
// limits the node's fetches to Load's default, the one Default writes
// (the plugins package used to fill in 16 MiB and 30 s for the running
// node while assay.toml's defaults said 8 MiB and 10 s).
func TestFetchDefaultsAreTheNodes(t *testing.T) {
	homes, err := WriteTestnet(t.TempDir(), TestnetOptions{ChainID: "c1", Nodes: 1, Stake: 100})
	if err != nil {
		t.Fatal(err)
	}
	home := homes[0].Dir
	inputs := filepath.Join(home, "inputs")
	if err := os.Mkdir(inputs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ConfigFile), []byte("[fetch]\nfile_root = \"../inputs\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(home)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Fetch.MaxBytes; got != 8<<20 {
		t.Fatalf("Load's default max_bytes %d, want 8 MiB (what `assay init` writes)", got)
	}
	ctx := context.Background()
	n, err := Open(ctx, home, Options{NoPrometheus: true})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Stop()
	for _, tc := range []struct {
		name string
		size int64
		ok   bool
	}{{"at the default", c.Fetch.MaxBytes, true}, {"one byte over", c.Fetch.MaxBytes + 1, false}} {
		if err := os.WriteFile(filepath.Join(inputs, "in"), make([]byte, tc.size), 0o600); err != nil {
			t.Fatal(err)
		}
		spec := plugins.FetchSpec{Kind: "file", Config: []byte(`{"path":"in"}`)}
		b, err := n.Plugins().Fetch(ctx, spec, plugins.Round{})
		if tc.ok != (err == nil) || (tc.ok && int64(len(b)) != tc.size) {
			t.Errorf("%s: fetched %d bytes, err %v; want ok %v", tc.name, len(b), err, tc.ok)
		}
	}
}

// TestTestnetExplorerPorts: WriteTestnet gives every home an explorer at
// its base port + ExplorerPortOffset (26661 for the default base), next to
// its other ports and clashing with none of them.
func TestTestnetExplorerPorts(t *testing.T) {
	homes, err := WriteTestnet(t.TempDir(), TestnetOptions{ChainID: "c", Nodes: 2, BasePort: 26656, Stake: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range homes {
		c, err := Load(h.Dir)
		if err != nil {
			t.Fatal(err)
		}
		want := HostPort("127.0.0.1", 26656+10*i+ExplorerPortOffset)
		if c.Explorer.Listen != want {
			t.Errorf("node%d explorer %q, want %q", i, c.Explorer.Listen, want)
		}
		for _, p := range []int{h.Ports.P2P, h.Ports.RPC, h.Ports.Prometheus, h.Ports.Gateway} {
			if HostPort("127.0.0.1", p) == c.Explorer.Listen {
				t.Errorf("node%d explorer on port %d, taken by another part", i, p)
			}
		}
	}
	if homes[0].Dir != "" && HostPort("127.0.0.1", 26656+ExplorerPortOffset) != DefaultExplorer {
		t.Errorf("DefaultExplorer %s is not the default home's", DefaultExplorer)
	}
}
