package sourcefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadAppliesChainRule: a source file whose fetch spec the chain
// would refuse (a config key outside [a-z0-9._-], keys and values over
// the default max_fetch_config_bytes, a kind http url without an
// http(s) scheme) or that the chain would store differently from what
// was written (a top-level number) is refused by Load, naming the
// problem. Before plugins/spec owned the rule, Load accepted all four.
func TestLoadAppliesChainRule(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"upper-case key", `{"URL":"http://x/"}`, `key "URL"`},
		{"over the size cap", `{"url":"http://x/` + strings.Repeat("a", 4090) + `"}`, "4096 bytes"},
		{"ftp url", `{"url":"ftp://x/"}`, "http:// or https://"},
		{"templated scheme", `{"url":"{{source}}://x/"}`, "http:// or https://"},
		{"top-level number", `{"url":"http://x/","retries":3}`, `"retries"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"id":"s1","code":"bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4","every":1,` +
				`"replicas":1,"gas_limit":1,"max_output":1,"fetch":{"kind":"http","config":` + tt.config + `}}`
			path := filepath.Join(t.TempDir(), "src.json")
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
