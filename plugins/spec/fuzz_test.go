package spec

import (
	"encoding/json"
	"testing"

	"github.com/assaynet/assay/plugins/template"
)

// FuzzConversion: a config PB accepts comes back from FromPB as a JSON
// object that PB maps to the same chain form; and if Validate accepts
// the JSON form, the chain's rule accepts its chain form.
func FuzzConversion(f *testing.F) {
	f.Add([]byte(`{"url":"http://127.0.0.1/{{height}}"}`))
	f.Add([]byte(`{"headers":{"a":"b"},"n":"1","l":[1,2]}`))
	f.Add([]byte(`{"s":"{x","o":{"a":"\u007b"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := FetchSpec{Kind: "http", Config: b}
		c, err := s.PB()
		if err != nil {
			return
		}
		if s.Validate() == nil {
			if err := ValidatePB(c, DefaultMaxConfigBytes, template.Validate); err != nil {
				t.Fatalf("Validate accepted %s, the chain refuses it: %v", b, err)
			}
		}
		back, err := FromPB(c)
		if err != nil {
			return // a bad template or kind; Validate refuses it too
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(back.Config, &m); err != nil {
			t.Fatalf("FromPB gave %q, not a JSON object: %v", back.Config, err)
		}
		again, err := back.PB()
		if err != nil || pairs(again.Config) != pairs(c.Config) {
			t.Fatalf("round trip of %s: %v, %v; want %s", b, again, err, pairs(c.Config))
		}
	})
}
