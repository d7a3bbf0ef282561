package spec

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPureDeps keeps the packages the consensus state machine imports
// (spec and template) free of network, process, randomness and plugin
// machinery, and spec itself free of the clock, files and goroutines.
func TestPureDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".", "../template").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	forbidden := []string{"net", "os/exec", "math/rand", "math/rand/v2", "crypto/rand",
		"github.com/assaynet/assay/plugins", "github.com/hashicorp/go-plugin", "google.golang.org/grpc"}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if dep == f {
				t.Errorf("spec/template depend on %s", dep)
			}
		}
	}
	imports, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, imp := range strings.Fields(string(imports)) {
		switch imp {
		case "os", "time", "sync", "sync/atomic", "unsafe", "math":
			t.Errorf("spec imports %s", imp)
		}
	}
}
