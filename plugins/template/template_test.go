package template

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// round is 2026-11-24T22:41:40.5Z, height 42, window 300 s.
var round = Vars{Source: "eth-mainnet", Height: 42, Time: 1795560100_500000000, Window: 300}

func TestExpand(t *testing.T) {
	tests := []struct {
		in   string
		v    Vars
		want string
		err  error
	}{
		{"plain", round, "plain", nil},
		{"", round, "", nil},
		{"{{height}}", round, "42", nil},
		{"/b/{{ height }}/{{source}}", round, "/b/42/eth-mainnet", nil},
		{"{{unix}}", round, "1795560100", nil},
		{"{{time}}", round, "2026-11-24T22:41:40Z", nil},
		{"{{window_start}}-{{window_end}}", round, "1795559700-1795560000", nil},
		// a round exactly on a window boundary closes that window
		{"{{window_end}}", Vars{Time: 600e9, Window: 300}, "600", nil},
		{"{{window_start}}", Vars{Time: 600e9, Window: 300}, "300", nil},
		// negative times round down, not toward zero
		{"{{unix}} {{window_end}}", Vars{Time: -1, Window: 10}, "-1 -10", nil},
		{"{{window_end}}", Vars{Time: 1e9}, "", ErrWindow},
		{"{{nope}}", round, "", ErrUnknownVariable},
		{"{{Height}}", round, "", ErrUnknownVariable},
		{"a {{height", round, "", ErrUnterminated},
		{"}} {", round, "}} {", nil},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, tt.v)
		if !errors.Is(err, tt.err) {
			t.Errorf("Expand(%q) error = %v, want %v", tt.in, err, tt.err)
			continue
		}
		if got != tt.want {
			t.Errorf("Expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestVariablesAndUsesWindow(t *testing.T) {
	vars, err := Variables("{{height}}{{unix}}{{height}}{{window_end}}")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(vars, ","); got != "height,unix,window_end" {
		t.Errorf("Variables = %s", got)
	}
	for in, want := range map[string]bool{"{{window_start}}": true, "{{time}}": false, "x": false} {
		if got, err := UsesWindow(in); err != nil || got != want {
			t.Errorf("UsesWindow(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := UsesWindow("{{x}}"); !errors.Is(err, ErrUnknownVariable) {
		t.Errorf("UsesWindow of an unknown variable: %v", err)
	}
}

func TestWindowBoundsRange(t *testing.T) {
	v := Vars{Time: -1, Window: math.MaxInt64}
	if _, _, err := v.WindowBounds(); !errors.Is(err, ErrRange) {
		t.Errorf("huge window: err = %v, want ErrRange", err)
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{`{"url":"https://x/{{height}}","n":1.50,"h":{"A":"{{source}}"},"l":["{{unix}}",true,null]}`,
			`{"url":"https://x/42","n":1.50,"h":{"A":"eth-mainnet"},"l":["1795560100",true,null]}`, nil},
		{`{"{{key}}":"keys are not templates <&>"}`, `{"{{key}}":"keys are not templates <&>"}`, nil},
		{` {} `, `{}`, nil},
		{`[]`, "", ErrConfig},
		{`"s"`, "", ErrConfig},
		{`{"a":1} {}`, "", ErrConfig},
		{`{"a":1,"a":2}`, "", ErrConfig},
		{`{"a":`, "", ErrConfig},
		{`{"a":"{{bad}}"}`, "", ErrUnknownVariable},
		{strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), "", ErrConfig},
	}
	for _, tt := range tests {
		got, err := ExpandJSON([]byte(tt.in), round)
		if !errors.Is(err, tt.err) {
			t.Errorf("ExpandJSON(%s) error = %v, want %v", tt.in, err, tt.err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("ExpandJSON(%s) = %s, want %s", tt.in, got, tt.want)
		}
		if verr := ValidateJSON([]byte(tt.in)); !errors.Is(verr, tt.err) {
			t.Errorf("ValidateJSON(%s) = %v, want %v", tt.in, verr, tt.err)
		}
	}
}
