package builtin_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/builtin"
	"github.com/assaynet/assay/plugins/sourcefile"
)

// loadSource writes a source file with the given [fetch] table into dir
// and loads it.
func loadSource(t *testing.T, dir, fetch string) *sourcefile.SourceFile {
	t.Helper()
	body := "id = \"s1\"\ncode = \"bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4\"\n" +
		"every = 1\nwindow = 60\nreplicas = 1\ngas_limit = 1000\nmax_output = 100\n" + fetch
	path := filepath.Join(dir, "source.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	sf, err := sourcefile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return sf
}

// TestFetchOnce fetches real files and a loopback server through
// managers built by LoadManager, and checks the report and the errors.
func TestFetchOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "block-7.txt"), []byte("hello world\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "h=%s", r.URL.Query().Get("h"))
	}))
	defer srv.Close()
	allow := filepath.Join(dir, "assay.toml")
	if err := os.WriteFile(allow, []byte("[fetch]\nallow_private_ranges = [\"127.0.0.0/8\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1700000000, 0)
	cases := []struct {
		name, fetch, config, fileRoot string
		data, cid, expanded, wantErr  string
	}{
		{name: "file", fetch: "[fetch]\nkind = \"file\"\nconfig = { path = \"block-{{height}}.txt\" }\n", fileRoot: dir,
			data: "hello world\n", cid: "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", expanded: `{"path":"block-7.txt"}`},
		{name: "http allowed by the config", fetch: "[fetch]\nkind = \"http\"\nconfig = { url = \"" + srv.URL + "/?h={{height}}\" }\n",
			config: allow, data: "h=7", expanded: `{"url":"` + srv.URL + `/?h=7"}`},
		{name: "http loopback refused", fetch: "[fetch]\nkind = \"http\"\nconfig = { url = \"" + srv.URL + "/?h={{height}}\" }\n",
			expanded: `{"url":"` + srv.URL + `/?h=7"}`, wantErr: "UNAVAILABLE: "},
		{name: "unknown kind", fetch: "[fetch]\nkind = \"nope\"\nconfig = {}\n", expanded: "{}", wantErr: "UNAVAILABLE: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sf := loadSource(t, t.TempDir(), tc.fetch)
			m, err := builtin.LoadManager(tc.config, tc.fileRoot, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			rep, err := builtin.FetchOnce(context.Background(), m, sf, 7, at)
			if rep.Config != tc.expanded {
				t.Errorf("Config = %s, want %s", rep.Config, tc.expanded)
			}
			if tc.wantErr != "" {
				var fe *plugins.FetchError
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) || !errors.As(err, &fe) {
					t.Fatalf("err %v; want %q wrapping a *plugins.FetchError", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(rep.Data) != tc.data || rep.SHA256 != sha256.Sum256([]byte(tc.data)) || (tc.cid != "" && rep.CID.String() != tc.cid) {
				t.Errorf("report %q %x %s; want %q (cid %s)", rep.Data, rep.SHA256, rep.CID, tc.data, tc.cid)
			}
		})
	}
	if _, err := builtin.LoadManager(filepath.Join(dir, "missing.toml"), "", nil); err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Errorf("LoadManager(missing file): %v; want an error naming it", err)
	}
}

// TestFetchReportWriteText: FetchOnce fills in what was fetched, and
// WriteText prints one field a line, the time in UTC and the duration
// rounded to microseconds.
func TestFetchReportWriteText(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte("hello world\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sf := loadSource(t, dir, "[fetch]\nkind = \"file\"\nconfig = { path = \"in.txt\" }\n")
	m, err := builtin.LoadManager("", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	at := time.Date(2023, 11, 14, 23, 13, 20, 0, time.FixedZone("CET", 3600))
	rep, err := builtin.FetchOnce(context.Background(), m, sf, 7, at)
	if err != nil {
		t.Fatal(err)
	}
	rep.Took = 1500 * time.Nanosecond
	var b bytes.Buffer
	rep.WriteText(&b)
	want := "source  s1\nkind    file\nround   height 7, time 2023-11-14T22:13:20Z\nsize    12 bytes\n" +
		"cid     bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4\n" +
		"sha256  a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447\ntook    2µs\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
