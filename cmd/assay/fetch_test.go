package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFetchSource writes a source file with the given [fetch] section and
// returns its path.
func writeFetchSource(t *testing.T, dir, fetch string) string {
	t.Helper()
	body := `id = "s1"
code = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
every = 1
window = 60
replicas = 1
gas_limit = 1000
max_output = 100
` + fetch
	path := filepath.Join(dir, "source.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFetchCommand(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "block-7.txt"), []byte("hello world\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "h=%s", r.URL.Query().Get("h"))
	}))
	defer srv.Close()
	bin, sum := buildEthfetcher(t)
	rpc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"jsonrpc":"2.0","id":1,"result":{"number":"0x7"}}`)
	}))
	defer rpc.Close()
	cfg := writePluginConfig(t, fmt.Sprintf("[[plugins]]\nname = \"eth\"\npath = %q\nsha256 = %q\n", bin, sum))
	// The test servers are on loopback, which the http fetcher refuses
	// unless the node opts in.
	allowLoopback := writePluginConfig(t, "[fetch]\nallow_private_ranges = [\"127.0.0.0/8\"]\n")
	out := filepath.Join(dir, "out.bin")
	tests := []struct {
		name  string
		fetch string
		extra []string
		code  int
		want  []string
	}{
		{"file", "[fetch]\nkind = \"file\"\nconfig = { path = \"block-{{height}}.txt\" }\n", []string{"-o", out}, 0,
			[]string{"size    12 bytes", "cid     bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", "time 2023-11-14T22:13:20Z"}},
		{"http", "[fetch]\nkind = \"http\"\nconfig = { url = \"" + srv.URL + "/?h={{height}}\" }\n", []string{"--config", allowLoopback}, 0,
			[]string{"size    3 bytes", "kind    http", `config  {"url":"` + srv.URL + `/?h=7"}`}},
		{"http loopback refused", "[fetch]\nkind = \"http\"\nconfig = { url = \"" + srv.URL + "/?h={{height}}\" }\n", nil, 1,
			[]string{"address refused", "127.0.0.0/8", "allow_private_ranges"}},
		{"plugin", "[fetch]\nkind = \"eth_block\"\nconfig = { url = \"" + rpc.URL + "\", block = \"{{height}}\" }\n", []string{"--config", cfg}, 0,
			[]string{`size    16 bytes`, "kind    eth_block"}},
		{"unknown kind", "[fetch]\nkind = \"nope\"\nconfig = {}\n", nil, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := writeFetchSource(t, dir, tt.fetch)
			var stdout, stderr bytes.Buffer
			args := append([]string{"fetch", "--source", src, "--height", "7", "--time", "1700000000"}, tt.extra...)
			if code := run(args, &stdout, &stderr); code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			got := stdout.String() // the summary; a failure's reason is on stderr
			if tt.code != 0 {
				got = stderr.String()
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			if tt.code != 0 && !strings.Contains(stderr.String(), "UNAVAILABLE") {
				t.Errorf("stderr should say UNAVAILABLE:\n%s", stderr.String())
			}
		})
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "hello world\n" {
		t.Errorf("-o file = %q, %v", b, err)
	}
}

func TestFetchUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"fetch", "--height", "1"}, &stdout, &stderr); code != 2 {
		t.Errorf("no --source: exit %d", code)
	}
	if code := run([]string{"fetch", "--source", "x.toml", "--time", "yesterday"}, &stdout, &stderr); code != 2 {
		t.Errorf("bad --time: exit %d", code)
	}
}
