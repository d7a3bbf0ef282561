package sourcefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadTOML(t *testing.T) {
	sf, err := Load("testdata/eth.toml")
	if err != nil {
		t.Fatal(err)
	}
	if sf.ID != "eth-blocks" || sf.Every != 10 || sf.Window != 60 || sf.Replicas != 3 ||
		sf.GasLimit != 50_000_000 || sf.MaxOutput != 65536 || sf.MemoryPages != 64 {
		t.Errorf("fields: %+v", sf)
	}
	if want := filepath.Join("testdata", "validator.wasm"); sf.CodeFile != want {
		t.Errorf("CodeFile = %q, want %q", sf.CodeFile, want)
	}
	if sf.Fetch.Kind != "eth_block" {
		t.Errorf("kind = %q", sf.Fetch.Kind)
	}
	want := `{"block":"{{height}}","headers":{"Accept":"application/json"},"since":"{{window_start}}","url":"http://127.0.0.1:8545"}`
	if string(sf.Fetch.Config) != want {
		t.Errorf("config = %s\nwant     %s", sf.Fetch.Config, want)
	}
	cfg, err := sf.Fetch.Expand(sf.Round(7, 125e9))
	if err != nil || !strings.Contains(string(cfg), `"block":"7"`) || !strings.Contains(string(cfg), `"since":"60"`) {
		t.Errorf("expand = %s, %v", cfg, err)
	}
	if p, err := sf.ReadParams(); err != nil || string(p) != `{"min_txs": 1}` {
		t.Errorf("params = %q, %v", p, err)
	}
}

func TestLoadJSON(t *testing.T) {
	sf, err := Load("testdata/prices.json")
	if err != nil {
		t.Fatal(err)
	}
	if sf.Code == "" || sf.Fetch.Kind != "http" || sf.Every != 5 {
		t.Errorf("fields: %+v", sf)
	}
	if p, err := sf.ReadParams(); err != nil || string(p) != "p\x00q" {
		t.Errorf("params = %q, %v", p, err)
	}
}

// base is a valid TOML source; each case appends or replaces lines.
const base = `id = "s1"
code = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
every = 1
replicas = 1
gas_limit = 1
max_output = 1
`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, ext, body, want string
	}{
		{"ok", ".toml", base + "[fetch]\nkind = \"http\"\nconfig = {}\n", ""},
		{"bad ext", ".yaml", base, "neither .toml nor .json"},
		{"syntax", ".toml", "id = ", "sourcefile"},
		{"unknown field", ".toml", base + "evry = 3\n[fetch]\nkind=\"http\"\nconfig={}\n", "unknown field(s) evry"},
		{"json unknown field", ".json", `{"idd": "x"}`, "unknown field"},
		{"retired is a tx", ".toml", base + "retired = true\n[fetch]\nkind=\"http\"\nconfig={}\n",
			"unknown field(s) retired (a source file describes a source; retire one with `assay source retire ID`)"},
		{"json retired is a tx", ".json", `{"id":"s","retired":true}`, "retire one with `assay source retire ID`"},
		{"no fetch", ".toml", base, "fetch"},
		{"bad template", ".toml", base + "[fetch]\nkind=\"http\"\n[fetch.config]\nurl=\"{{hieght}}\"\n", "unknown variable \"hieght\""},
		{"window needed", ".toml", base + "[fetch]\nkind=\"http\"\n[fetch.config]\nurl=\"http://x/{{window_end}}\"\n", "window must be > 0"},
		{"bad kind", ".toml", base + "[fetch]\nkind=\"HTTP\"\nconfig={}\n", "kind \"HTTP\""},
		{"bad cid", ".toml", strings.Replace(base, "bafk", "zzzz", 1) + "[fetch]\nkind=\"http\"\nconfig={}\n", "code: not a CID"},
		{"zero fields", ".json", `{"id":"-x","fetch":{"kind":"http","config":{}}}`,
			"id: \"-x\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "src"+tt.ext)
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	sf := &SourceFile{ID: "ok", CodeFile: "x.wasm", Code: "bafy", Params: "a", ParamsFile: "b",
		Window: -1, MemoryPages: MaxMemoryPages + 1}
	err := sf.Validate()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	for _, field := range []string{"code:", "params:", "every:", "window:", "replicas:", "gas_limit:", "max_output:", "memory_pages:", "fetch:"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error lacks %q: %v", field, err)
		}
	}
}
