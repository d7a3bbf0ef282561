package template

import (
	"errors"
	"strings"
	"testing"
)

// FuzzExpand checks that Validate and Expand agree, never panic, leave
// text without "{{" unchanged, and that a valid template expands for any
// round whose window is positive unless the window bound overflows.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"", "x", "{{height}}", "{{ time }}/{{window_start}}", "{{", "{{}}", "{{{height}}}", "}}{{unix}}"} {
		f.Add(s, int64(42), int64(1795560100_500000000), int64(300))
	}
	f.Fuzz(func(t *testing.T, s string, height, tm, window int64) {
		v := Vars{Source: "src", Height: height, Time: tm, Window: window}
		verr := Validate(s)
		out, err := Expand(s, v)
		if verr != nil {
			if err == nil {
				t.Fatalf("Validate(%q) = %v but Expand succeeded", s, verr)
			}
			return
		}
		if err != nil && !errors.Is(err, ErrWindow) && !errors.Is(err, ErrRange) {
			t.Fatalf("Expand(%q) of a valid template: %v", s, err)
		}
		if errors.Is(err, ErrWindow) && window > 0 {
			t.Fatalf("ErrWindow with window %d", window)
		}
		if err == nil && !strings.Contains(s, "{{") && out != s {
			t.Fatalf("Expand(%q) = %q, want it unchanged", s, out)
		}
		again, err2 := Expand(s, v)
		if again != out || (err == nil) != (err2 == nil) {
			t.Fatalf("Expand(%q) is not deterministic", s)
		}
	})
}

// FuzzExpandJSON checks that ExpandJSON never panics and that its output,
// when it succeeds, is again an accepted config.
func FuzzExpandJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"url":"{{height}}","a":[1,{"b":null}]}`, `{"a":"{{x}}"}`, `[1]`, `{"a":1e999}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, err := ExpandJSON(raw, round)
		if err != nil {
			return
		}
		if _, err := ExpandJSON(out, round); err != nil {
			t.Fatalf("expanded config %s is rejected: %v", out, err)
		}
	})
}
