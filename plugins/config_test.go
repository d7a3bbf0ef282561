package plugins_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/assaynet/assay/plugins"
)

func TestLoadConfig(t *testing.T) {
	c, err := plugins.LoadConfig("testdata/assay.toml")
	if err != nil {
		t.Fatal(err)
	}
	lim := c.Limits()
	if lim.Timeout != 12*time.Second || lim.MaxBytes != 4<<20 || lim.Concurrency != 2 {
		t.Errorf("limits = %+v", lim)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if c.Fetch.FileRoot != filepath.Join(wd, "testdata", "fixtures") {
		t.Errorf("file_root = %q", c.Fetch.FileRoot)
	}
	if r, err := c.Fetch.AllowedRanges(); err != nil || len(r) != 2 || r[0].String() != "10.0.0.0/8" || r[1].String() != "fd00::/8" {
		t.Errorf("allowed ranges = %v, %v", r, err)
	}
	if len(c.Plugins) != 2 {
		t.Fatalf("plugins = %+v", c.Plugins)
	}
	p := c.Plugins[0]
	if p.Name != "eth" || p.Path != filepath.Join(wd, "testdata", "bin", "ethfetcher") || p.Args[0] != "-v" ||
		p.Env["ETH_TOKEN"] != "t" || p.Kinds[0] != "eth_block" {
		t.Errorf("plugin = %+v", p)
	}
	if c.Plugins[1].Path != "/opt/other" {
		t.Errorf("absolute path changed: %q", c.Plugins[1].Path)
	}
}

// TestLoadConfigRelativePaths resolves plugin paths against the config
// file's directory whatever the working directory, and always to an
// absolute path: exec looks a bare name ("fetcher") up in $PATH.
func TestLoadConfigRelativePaths(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	if err := os.Mkdir("etc", 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, config, path, want string }{
		{"bare name, config in cwd", "assay.toml", "fetcher", filepath.Join(root, "fetcher")},
		{"dot slash, config in cwd", "assay.toml", "./fetcher", filepath.Join(root, "fetcher")},
		{"subdir, config in cwd", "assay.toml", "bin/fetcher", filepath.Join(root, "bin", "fetcher")},
		{"bare name, relative config dir", "etc/assay.toml", "fetcher", filepath.Join(root, "etc", "fetcher")},
		{"parent, relative config dir", "etc/assay.toml", "../lib/fetcher", filepath.Join(root, "lib", "fetcher")},
		{"bare name, absolute config", filepath.Join(root, "etc", "assay.toml"), "fetcher", filepath.Join(root, "etc", "fetcher")},
		{"absolute path kept", "etc/assay.toml", "/opt/fetcher", "/opt/fetcher"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fmt.Sprintf("[[plugins]]\nname = \"p\"\npath = %q\nsha256 = %q\n", tt.path, strings.Repeat("ab", 32))
			if err := os.WriteFile(tt.config, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := plugins.LoadConfig(tt.config)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Plugins[0].Path; got != tt.want {
				t.Errorf("path %q in %s = %q, want %q", tt.path, tt.config, got, tt.want)
			}
		})
	}
}

// TestRelativePluginStarts starts a plugin named by a bare relative path
// in a config named by a relative path, as `assay plugin list --config
// assay.toml` run in the plugin's directory does.
func TestRelativePluginStarts(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(testBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fetcher"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf("[[plugins]]\nname = \"rel\"\npath = \"fetcher\"\nsha256 = %q\n", testSum)
	if err := os.WriteFile(filepath.Join(dir, "assay.toml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	c, err := plugins.LoadConfig("assay.toml")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := newManager(t, testLimits, nil, c.Plugins...)
	if err := m.StartAll(fetchCtx(t)); err != nil {
		t.Fatalf("start %q: %v", c.Plugins[0].Path, err)
	}
	if st := m.Status()[0]; st.State != plugins.StateRunning {
		t.Errorf("status = %+v", st)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	const sum = `sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	tests := []struct{ name, body, says string }{
		{"syntax", "[[plugins]\n", "bad config"},
		{"no name", "[[plugins]]\npath = \"x\"\n" + sum, "name must be set"},
		{"builtin name", "[[plugins]]\nname = \"builtin\"\npath = \"x\"\n" + sum, "name must be set"},
		{"dup", strings.Repeat("[[plugins]]\nname = \"a\"\npath = \"x\"\n"+sum+"\n", 2), "duplicate name"},
		{"no path", "[[plugins]]\nname = \"a\"\n" + sum, "path must be set"},
		{"no sum", "[[plugins]]\nname = \"a\"\npath = \"x\"\n", "sha256 must be 64 hex digits"},
		{"short sum", "[[plugins]]\nname = \"a\"\npath = \"x\"\nsha256 = \"abcd\"\n", "sha256 must be 64 hex digits"},
		{"bad kind", "[[plugins]]\nname = \"a\"\npath = \"x\"\nkinds = [\"A B\"]\n" + sum, "kind \"A B\""},
		{"bad timeout", "[fetch]\ntimeout = \"soon\"\n", "bad config"},
		{"range not CIDR", "[fetch]\nallow_private_ranges = [\"10.0.0.1\"]\n", `fetch.allow_private_ranges[0] "10.0.0.1": want a CIDR range`},
		{"range garbage", "[fetch]\nallow_private_ranges = [\"10.0.0.0/8\", \"lan\"]\n", `fetch.allow_private_ranges[1] "lan"`},
		{"range host bits", "[fetch]\nallow_private_ranges = [\"10.1.2.3/8\"]\n", `host bits set; did you mean "10.0.0.0/8"?`},
		{"range mapped", "[fetch]\nallow_private_ranges = [\"::ffff:127.0.0.0/104\"]\n", "as IPv4"},
		{"range bits", "[fetch]\nallow_private_ranges = [\"10.0.0.0/33\"]\n", "want a CIDR range"},
		{"range not a list", "[fetch]\nallow_private_ranges = \"10.0.0.0/8\"\n", "bad config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "assay.toml")
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := plugins.LoadConfig(path)
			if !errors.Is(err, plugins.ErrConfig) || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("err = %v, want ErrConfig saying %q", err, tt.says)
			}
		})
	}
}

func TestConfigRoundTrip(t *testing.T) {
	var c plugins.Config
	c.Fetch.Timeout = plugins.Duration(1500 * time.Millisecond)
	c.Fetch.AllowPrivateRanges = []string{"127.0.0.0/8"}
	c.Plugins = []plugins.PluginConfig{{Name: "a", Path: "/x", SHA256: strings.Repeat("ab", 32), Env: map[string]string{"K": "v"}}}
	path := filepath.Join(t.TempDir(), "assay.toml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := toml.NewEncoder(f).Encode(c); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, err := plugins.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Limits().Timeout != 1500*time.Millisecond || got.Plugins[0].Env["K"] != "v" ||
		len(got.Fetch.AllowPrivateRanges) != 1 || got.Fetch.AllowPrivateRanges[0] != "127.0.0.0/8" {
		t.Errorf("round trip = %+v", got)
	}
}
