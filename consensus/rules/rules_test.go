package rules_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/runtime/meter"
)

// TestMeterLimitsV1MatchRuntime: the runtime compiles what consensus
// stored, so its default limits must be the protocol's. A change to
// either fails here and must become a new protocol version.
func TestMeterLimitsV1MatchRuntime(t *testing.T) {
	v1, def := rules.MeterLimitsV1(), meter.DefaultLimits()
	v1.AllowImport, def.AllowImport = nil, nil // funcs do not compare
	if !reflect.DeepEqual(v1, def) {
		t.Fatalf("meter.DefaultLimits drifted from protocol v1:\nv1:      %+v\ndefault: %+v", v1, def)
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
