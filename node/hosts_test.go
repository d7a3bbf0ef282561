package node

import (
	"strings"
	"testing"
)

// FuzzParseHosts: any list gives hosts or an error, never a panic, and
// every accepted host passes CheckHost again.
func FuzzParseHosts(f *testing.F) {
	for _, s := range []string{"10.0.0.1,10.0.0.2", "a.example,b.example", "fd00::1,fd00::2", ",", "a,,b", "x_y,z", strings.Repeat("a.", 130) + ",b"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, list string, n int) {
		if n < 1 || n > 64 {
			return
		}
		hosts, err := ParseHosts(list, n)
		if err != nil {
			return
		}
		if len(hosts) != n {
			t.Fatalf("%d hosts for n %d", len(hosts), n)
		}
		for _, h := range hosts {
			if CheckHost(h) != nil {
				t.Fatalf("accepted bad host %q", h)
			}
		}
	})
}
