package spec

import (
	"errors"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/plugins/template"
)

// kvs builds a chain-form config from key, value pairs.
func kvs(pairs ...string) []*pb.KeyValue {
	var out []*pb.KeyValue
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, &pb.KeyValue{Key: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// TestValidatePB pins the chain's rule (docs/protocol.md section 2).
func TestValidatePB(t *testing.T) {
	long := strings.Repeat("a", MaxKindLen)
	tests := []struct {
		name string
		f    *pb.FetchSpec
		max  uint64
		want string // "" = valid, else a part of the error
	}{
		{"minimal", &pb.FetchSpec{Kind: "k"}, 0, ""},
		{"http url", &pb.FetchSpec{Kind: "http", Config: kvs("url", "http://x/{{height}}")}, 100, ""},
		{"nil", nil, 100, "no fetch spec"},

		{"kind: all classes", &pb.FetchSpec{Kind: "eth_block.v2-x9"}, 0, ""},
		{"kind: 64", &pb.FetchSpec{Kind: long}, 0, ""},
		{"kind: 65", &pb.FetchSpec{Kind: long + "a"}, 0, "1 to 64 characters"},
		{"kind: empty", &pb.FetchSpec{}, 0, "1 to 64 characters"},
		{"kind: digit first", &pb.FetchSpec{Kind: "9http"}, 0, "want a-z first"},
		{"kind: dash first", &pb.FetchSpec{Kind: "-http"}, 0, "want a-z first"},
		{"kind: upper case", &pb.FetchSpec{Kind: "Http"}, 0, "want a-z first"},
		{"kind: space", &pb.FetchSpec{Kind: "ht tp"}, 0, "want a-z first"},

		{"key: all classes", &pb.FetchSpec{Kind: "k", Config: kvs("0a._-z", "v")}, 100, ""},
		{"key: 64", &pb.FetchSpec{Kind: "k", Config: kvs(long, "")}, 100, ""},
		{"key: 65", &pb.FetchSpec{Kind: "k", Config: kvs(long+"a", "")}, 100, "1 to 64 characters"},
		{"key: empty", &pb.FetchSpec{Kind: "k", Config: kvs("", "v")}, 100, "1 to 64 characters"},
		{"key: upper case", &pb.FetchSpec{Kind: "k", Config: kvs("URL", "v")}, 100, `key "URL"`},
		{"key: dot first", &pb.FetchSpec{Kind: "k", Config: kvs(".a", "v")}, 100, `key ".a"`},
		{"key: slash", &pb.FetchSpec{Kind: "k", Config: kvs("a/b", "v")}, 100, `key "a/b"`},
		{"keys: sorted", &pb.FetchSpec{Kind: "k", Config: kvs("a", "", "b", "")}, 100, ""},
		{"keys: unsorted", &pb.FetchSpec{Kind: "k", Config: kvs("b", "", "a", "")}, 100, "unique and sorted"},
		{"keys: duplicate", &pb.FetchSpec{Kind: "k", Config: kvs("a", "", "a", "")}, 100, "unique and sorted"},

		{"size: keys and values at the cap", &pb.FetchSpec{Kind: "k", Config: kvs("ab", "cd", "e", "fghij")}, 10, ""},
		{"size: one over", &pb.FetchSpec{Kind: "k", Config: kvs("ab", "cd", "e", "fghijk")}, 10, "exceed 10 bytes"},
		{"size: keys count", &pb.FetchSpec{Kind: "k", Config: kvs("abcdefghijk", "")}, 10, "exceed 10 bytes"},
		{"size: default cap", &pb.FetchSpec{Kind: "k", Config: kvs("u", strings.Repeat("x", DefaultMaxConfigBytes-1))}, DefaultMaxConfigBytes, ""},
		{"size: default cap + 1", &pb.FetchSpec{Kind: "k", Config: kvs("u", strings.Repeat("x", DefaultMaxConfigBytes))}, DefaultMaxConfigBytes, "exceed 4096 bytes"},

		{"template: known", &pb.FetchSpec{Kind: "k", Config: kvs("a", "{{ unix }}/{{window_end}}")}, 100, ""},
		{"template: unknown", &pb.FetchSpec{Kind: "k", Config: kvs("a", "{{hieght}}")}, 100, "unknown variable"},
		{"template: unterminated", &pb.FetchSpec{Kind: "k", Config: kvs("a", "{{height")}, 100, "unterminated"},
		{"template: in compact JSON", &pb.FetchSpec{Kind: "k", Config: kvs("h", `{"a":"{{x}}"}`)}, 100, "unknown variable"},

		{"url: https upper case", &pb.FetchSpec{Kind: "http", Config: kvs("url", "HTTPS://x/p")}, 100, ""},
		{"url: file", &pb.FetchSpec{Kind: "http", Config: kvs("url", "file:///etc/passwd")}, 100, "http:// or https://"},
		{"url: gopher", &pb.FetchSpec{Kind: "http", Config: kvs("url", "gopher://127.0.0.1:25/")}, 100, "http:// or https://"},
		{"url: scheme from a template", &pb.FetchSpec{Kind: "http", Config: kvs("url", "{{source}}:///etc/passwd")}, 100, "http:// or https://"},
		{"url: relative", &pb.FetchSpec{Kind: "http", Config: kvs("url", "/status")}, 100, "http:// or https://"},
		{"url: scheme only", &pb.FetchSpec{Kind: "http", Config: kvs("url", "http://")}, 100, "http:// or https://"},
		{"url: leading space", &pb.FetchSpec{Kind: "http", Config: kvs("url", " http://x/")}, 100, "http:// or https://"},
		{"url: JSON value", &pb.FetchSpec{Kind: "http", Config: kvs("url", `{"a":"http://x/"}`)}, 100, "http:// or https://"},
		{"url: other key", &pb.FetchSpec{Kind: "http", Config: kvs("urls", "file:///etc/passwd")}, 100, ""},
		{"url: other kind", &pb.FetchSpec{Kind: "eth_block", Config: kvs("url", "ws://127.0.0.1:8546")}, 100, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePB(tt.f, tt.max, template.Validate)
			checkErr(t, err, tt.want)
		})
	}
}

// checkErr fails unless err is nil for want "", or wraps ErrSpec and
// contains want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("error %v, want none", err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one containing %q", err, want)
	}
	if !errors.Is(err, ErrSpec) {
		t.Fatalf("error %v does not wrap ErrSpec", err)
	}
}

// TestValidate pins the JSON form's rule: ValidatePB with the default cap
// after PB, plus the checks only the JSON form needs.
func TestValidate(t *testing.T) {
	pad := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name, kind, config, want string
	}{
		{"http", "http", `{"url":"http://x/{{height}}"}`, ""},
		{"empty config", "eth_block.v2-x", `{}`, ""},
		{"nested keys are free", "http", `{"headers":{"Accept":"a/b","X Y":"1"},"url":"http://x/"}`, ""},
		// The chain checks an object member's compact JSON as one
		// template, nested keys included.
		{"template in a nested key", "k", `{"h":{"{{y}}":"1"}}`, "unknown variable"},
		{"nested scalars", "k", `{"o":{"n":1,"b":true,"z":null,"l":[1.5,"s"]}}`, ""},
		{"bad kind", "Http", `{}`, "kind \"Http\""},
		{"no config", "http", ``, "config is missing"},
		{"array config", "http", `[]`, "want a JSON object"},
		{"trailing data", "k", `{} {}`, "data after"},
		{"duplicate key", "k", `{"a":"1","a":"2"}`, "duplicate key"},
		{"unknown template", "k", `{"u":"{{x}}"}`, "unknown variable"},
		{"escaped template", "k", `{"o":{"u":"\u007b\u007bx}}"}}`, "unknown variable"},
		{"too deep", "k", `{"a":` + strings.Repeat("[", 33) + strings.Repeat("]", 33) + `}`, "deeper than 32"},
		{"upper-case key", "k", `{"URL":"x"}`, `key "URL"`},
		{"key too long", "k", `{"` + pad(65) + `":"x"}`, "1 to 64 characters"},
		{"number member", "k", `{"n": 3}`, `"n": 3 would be stored as the string "3"`},
		{"bool member", "k", `{"b":true}`, `"b": true would be stored`},
		{"null member", "k", `{"z":null}`, `"z": null would be stored`},
		{"JSON-looking string", "k", `{"s":"[1,2]"}`, "read back as JSON"},
		{"brace string that is not JSON", "k", `{"s":"{not json"}`, ""},
		// keys + values: 1 + 4095 fits, one more byte does not; JSON
		// escapes do not count, the unescaped value does.
		{"at the cap", "k", `{"u":"` + pad(DefaultMaxConfigBytes-1) + `"}`, ""},
		{"over the cap", "k", `{"u":"` + pad(DefaultMaxConfigBytes) + `"}`, "exceed 4096 bytes"},
		{"escapes do not count", "k", `{"u":"` + strings.Repeat(`\n`, DefaultMaxConfigBytes-1) + `"}`, ""},
		{"compact JSON counts", "k", `{"o": { "a" : "` + pad(DefaultMaxConfigBytes-9) + `" }}`, ""},
		{"compact JSON over", "k", `{"o": { "a" : "` + pad(DefaultMaxConfigBytes-8) + `" }}`, "exceed 4096 bytes"},
		{"ftp url", "http", `{"url":"ftp://x/"}`, "http:// or https://"},
		{"url object", "http", `{"url":{"a":"http://x/"}}`, "http:// or https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := FetchSpec{Kind: tt.kind, Config: []byte(tt.config)}.Validate()
			checkErr(t, err, tt.want)
		})
	}
}

// TestConversion: PB and FromPB are inverses on every config PB accepts,
// with the chain form and the JSON form pinned byte for byte (the node
// hands FromPB's bytes to the fetcher).
func TestConversion(t *testing.T) {
	tests := []struct {
		name, config string
		chain        []*pb.KeyValue
		back         string // FromPB's config
	}{
		{"empty", `{}`, nil, `{}`},
		{"url", `{"url":"http://127.0.0.1/{{height}}"}`,
			kvs("url", "http://127.0.0.1/{{height}}"), `{"url":"http://127.0.0.1/{{height}}"}`},
		{"sorted, compacted", `{ "url" : "http://x/", "method":"GET", "headers": { "b": "1", "a": [1, 2.50] } }`,
			kvs("headers", `{"b":"1","a":[1,2.50]}`, "method", "GET", "url", "http://x/"),
			`{"headers":{"b":"1","a":[1,2.50]},"method":"GET","url":"http://x/"}`},
		{"escapes", `{"body":"a\"b\\c\u00e9<&>"}`,
			kvs("body", "a\"b\\c\u00e9<&>"), `{"body":"a\"b\\cé\u003c\u0026\u003e"}`},
		{"array", `{"urls":["a","b"]}`, kvs("urls", `["a","b"]`), `{"urls":["a","b"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := FetchSpec{Kind: "k", Config: []byte(tt.config)}.PB()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := pairs(f.Config), pairs(tt.chain); got != want {
				t.Fatalf("PB: %s\nwant %s", got, want)
			}
			s, err := FromPB(f)
			if err != nil {
				t.Fatal(err)
			}
			if string(s.Config) != tt.back || s.Kind != "k" {
				t.Fatalf("FromPB: %s %s\nwant %s", s.Kind, s.Config, tt.back)
			}
			again, err := s.PB()
			if err != nil || pairs(again.Config) != pairs(f.Config) {
				t.Fatalf("PB(FromPB(PB(c))) = %v, %v; want %s", again, err, pairs(f.Config))
			}
		})
	}
}

func pairs(c []*pb.KeyValue) string {
	var b strings.Builder
	for _, kv := range c {
		b.WriteString(kv.Key + "=" + kv.Value + ";")
	}
	return b.String()
}

// TestFromPB: values that look like JSON objects or arrays are taken as
// JSON, everything else as a string; a bad kind or template is refused.
func TestFromPB(t *testing.T) {
	tests := []struct {
		name string
		f    *pb.FetchSpec
		want string // config, or an error part after "error: "
	}{
		{"number text", &pb.FetchSpec{Kind: "k", Config: kvs("n", "3")}, `{"n":"3"}`},
		{"not JSON", &pb.FetchSpec{Kind: "k", Config: kvs("s", "{x")}, `{"s":"{x"}`},
		{"JSON with spaces", &pb.FetchSpec{Kind: "k", Config: kvs("o", `{"a": 1} `)}, `{"o":{"a": 1} }`},
		{"over the default cap", &pb.FetchSpec{Kind: "k", Config: kvs("u", strings.Repeat("x", 2*DefaultMaxConfigBytes))},
			`{"u":"` + strings.Repeat("x", 2*DefaultMaxConfigBytes) + `"}`},
		{"nil", nil, "error: no fetch spec"},
		{"bad kind", &pb.FetchSpec{Kind: "A"}, `error: kind "A"`},
		{"bad template", &pb.FetchSpec{Kind: "k", Config: kvs("u", "{{nope}}")}, "error: unknown variable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := FromPB(tt.f)
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				checkErr(t, err, want)
				return
			}
			if err != nil || string(s.Config) != tt.want {
				t.Fatalf("FromPB = %s, %v; want %s", s.Config, err, tt.want)
			}
		})
	}
}

func TestUsesWindow(t *testing.T) {
	for cfg, want := range map[string]bool{
		`{"a":"{{window_end}}"}`:               true,
		`{"a":["x",{"b":"{{window_start}}"}]}`: true,
		`{"a":"{{height}}"}`:                   false,
	} {
		got, err := FetchSpec{Kind: "k", Config: []byte(cfg)}.UsesWindow()
		if err != nil || got != want {
			t.Errorf("UsesWindow(%s) = %v, %v; want %v", cfg, got, err, want)
		}
	}
}
