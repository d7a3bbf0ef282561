package devnet

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/assaynet/assay/plugins/spec"
)

// TestPriceMetadata: the metadata the devnet registers passes the chain's
// rule and names exactly the members of the mock exchange's answer, with
// the price's two decimals.
func TestPriceMetadata(t *testing.T) {
	m := priceMetadata("BTC-USD")
	if err := spec.ValidateMetadataPB(m); err != nil {
		t.Fatal(err)
	}
	x, err := StartExchange()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	_, body := get(t, x.URL+"/price/BTC-USD?height=7")
	var out map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(m.Fields) {
		t.Fatalf("answer %s has %d members, metadata %d fields", body, len(out), len(m.Fields))
	}
	for _, f := range m.Fields {
		v, ok := out[f.Name]
		if !ok {
			t.Fatalf("answer %s lacks field %q", body, f.Name)
		}
		if f.Decimals > 0 {
			s := string(v) // the exchange's answer; the validator's canonical output may drop trailing zeros
			if i := strings.IndexByte(s, '.'); i < 0 || len(s)-i-1 != int(f.Decimals) {
				t.Errorf("field %s = %s, want %d decimals", f.Name, s, f.Decimals)
			}
		}
	}
}
