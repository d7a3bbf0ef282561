package sourcefile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadMetadata: a source file's metadata in TOML (fields; a schema as
// a table or as a string of JSON) and in JSON loads to the same JSON form
// the chain's source view shows, and bad metadata is refused naming
// "metadata" and the problem.
func TestLoadMetadata(t *testing.T) {
	fetch := "[fetch]\nkind = \"http\"\nconfig = {}\n"
	jsonBase := `{"id":"s1","code":"bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4","every":1,"replicas":1,` +
		`"gas_limit":1,"max_output":1,"fetch":{"kind":"http","config":{}},"metadata":`
	tests := []struct {
		name, ext, body string
		want            string // the metadata as JSON, or the error's substring
		bad             bool
	}{
		{"toml fields", ".toml", base + fetch + `[metadata]
description = "BTC in USD"
media_type = "application/json"
[[metadata.fields]]
name = "price"
type = "decimal"
unit = "USD"
decimals = 2
[[metadata.fields]]
name = "time"
type = "timestamp"
`, `{"description":"BTC in USD","media_type":"application/json","fields":[{"name":"price","type":"decimal","unit":"USD","decimals":2},{"name":"time","type":"timestamp"}]}`, false},
		{"toml schema table", ".toml", base + fetch + "[metadata.schema]\ntype = \"object\"\nrequired = [\"price\"]\n[metadata.schema.properties.price]\ntype = \"string\"\n",
			`{"schema":{"properties":{"price":{"type":"string"}},"required":["price"],"type":"object"}}`, false},
		{"toml schema string", ".toml", base + fetch + "[metadata]\nschema = '''{\"type\": \"object\"}'''\n", `{"schema":{"type":"object"}}`, false},
		{"json", ".json", jsonBase + `{"media_type":"text/csv; header=present","schema":{"type": "array"}}}`,
			`{"media_type":"text/csv; header=present","schema":{"type":"array"}}`, false},
		{"none", ".toml", base + fetch, `null`, false},
		{"unknown type", ".toml", base + fetch + "[[metadata.fields]]\nname = \"p\"\ntype = \"float\"\n", `metadata: spec: bad source metadata: field "p": unknown type "float"`, true},
		{"decimals on a string", ".toml", base + fetch + "[[metadata.fields]]\nname = \"p\"\ntype = \"string\"\ndecimals = 2\n", "only for types integer, decimal and number", true},
		{"schema and fields", ".json", jsonBase + `{"schema":{},"fields":[{"name":"p","type":"number"}]}}`, "not both", true},
		{"schema not JSON", ".toml", base + fetch + "[metadata]\nschema = '{\"type\":'\n", "metadata: spec: bad source metadata: schema", true},
		{"schema a number", ".toml", base + fetch + "[metadata]\nschema = 3\n", "want a table or a string of JSON", true},
		{"unknown member", ".toml", base + fetch + "[metadata]\nunits = \"USD\"\n", "unknown field(s) metadata.units", true},
		{"json unknown member", ".json", jsonBase + `{"unit":"USD"}}`, "unknown field", true},
		{"description too long", ".json", jsonBase + `{"description":"` + strings.Repeat("a", 1025) + `"}}`, "description: 1025 bytes", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "src"+tt.ext)
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			sf, err := Load(path)
			if tt.bad {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Load error = %v, want it to contain %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got, _ := json.Marshal(sf.Metadata)
			if string(got) != tt.want {
				t.Fatalf("metadata %s\nwant     %s", got, tt.want)
			}
		})
	}
}
