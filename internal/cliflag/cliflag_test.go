package cliflag

import (
	"flag"
	"slices"
	"strings"
	"testing"
)

// TestParseInterspersed: flags after and between positionals are parsed;
// fs.Args() are the positionals.
func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	k := fs.String("key", "", "")
	if err := Parse(fs, []string{"a", "--key", "v", "b"}); err != nil {
		t.Fatal(err)
	}
	if *k != "v" || strings.Join(fs.Args(), ",") != "a,b" {
		t.Fatalf("key %q args %v", *k, fs.Args())
	}
}

func TestIsSet(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--other", "x"}, false},
		{[]string{"--gateway", "http://h"}, true},
		{[]string{"--gateway", ""}, true}, // given, although empty
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.String("gateway", "http://default", "")
		fs.String("other", "", "")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := IsSet(fs, "gateway"); got != tc.want {
			t.Errorf("IsSet(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

// TestList: items are trimmed and empty ones dropped.
func TestList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" , ,", nil},
		{"a", []string{"a"}},
		{"http://a, http://b ,,c", []string{"http://a", "http://b", "c"}},
	}
	for _, tt := range tests {
		if got := List(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("List(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNoArgs(t *testing.T) {
	var out strings.Builder
	fs := flag.NewFlagSet("assay x", flag.ContinueOnError)
	fs.SetOutput(&out)
	if err := fs.Parse([]string{"extra"}); err != nil {
		t.Fatal(err)
	}
	if NoArgs(fs) || !strings.Contains(out.String(), `assay x: unexpected argument "extra"`) {
		t.Errorf("NoArgs with an argument: printed %q", out.String())
	}
	if err := fs.Parse(nil); err != nil || !NoArgs(fs) {
		t.Errorf("NoArgs without arguments: %v", err)
	}
}

// TestPositionals: flags may come before, between or after the
// positional arguments; "-" is one, and "--" ends the flags.
func TestPositionals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		pos  string
		v    bool
	}{
		{[]string{"a", "-v", "b"}, "a b", true},
		{[]string{"-", "-v"}, "-", true},
		{[]string{"a", "--", "-v"}, "a -v", false},
		{[]string{"-v", "--", "-x"}, "-x", true},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		v := fs.Bool("v", false, "")
		pos, err := Positionals(fs, tc.args)
		if err != nil || strings.Join(pos, " ") != tc.pos || *v != tc.v {
			t.Errorf("%q: %q, -v %v, %v; want %q, -v %v", tc.args, pos, *v, err, tc.pos, tc.v)
		}
	}
}
