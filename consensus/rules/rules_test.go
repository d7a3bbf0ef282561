package rules_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"testing"

	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/state"
)

var update = flag.Bool("update", false, "rewrite testdata/meter_limits_v1.json")

// TestMeterLimitsV1Golden pins the v1 store-time limits: a change to any
// of them changes which modules the chain stores, so it must be a new
// protocol version, never an edit (run with -update only for a new
// version's file).
func TestMeterLimitsV1Golden(t *testing.T) {
	got, err := json.MarshalIndent(rules.MeterLimitsV1(), "", "  ") // AllowImport (a func) is not encoded
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const path = "testdata/meter_limits_v1.json"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("protocol v1 limits changed:\n got %s\nwant %s", got, want)
	}
}

// TestStateRequiresRules: the state machine cannot be opened with a rule
// left out (it used to run with any module refused and any template
// accepted).
func TestStateRequiresRules(t *testing.T) {
	full := rules.V1()
	noCode, noTemplate := full, full
	noCode.Code, noTemplate.Template = nil, nil
	for _, tc := range []struct {
		name string
		cfg  state.Config
		ok   bool
	}{
		{"v1", full, true},
		{"no code checker", noCode, false},
		{"no template check", noTemplate, false},
		{"zero", state.Config{}, false},
	} {
		_, err := state.Open(state.NewMemKV(), tc.cfg)
		if tc.ok != (err == nil) || err != nil && !errors.Is(err, state.ErrConfig) {
			t.Errorf("%s: Open err = %v", tc.name, err)
		}
	}
}

// TestTemplateRuleApplies: V1's template rule refuses a malformed
// placeholder.
func TestTemplateRuleApplies(t *testing.T) {
	if err := rules.V1().Template("{{height"); err == nil {
		t.Fatal("unterminated placeholder accepted")
	}
	if err := rules.V1().Template("https://x/{{height}}"); err != nil {
		t.Fatalf("valid template refused: %v", err)
	}
}
