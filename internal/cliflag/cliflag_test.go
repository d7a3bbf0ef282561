package cliflag

import (
	"flag"
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
