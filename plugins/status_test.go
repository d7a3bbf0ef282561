package plugins_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/assaynet/assay/plugins"
)

// TestWriteStatus starts a real plugin, one whose binary is missing and
// one left unstarted, and checks each row of the table.
func TestWriteStatus(t *testing.T) {
	missing := pluginCfg("gone", nil, "g")
	missing.Path = filepath.Join(t.TempDir(), "no-such-plugin")
	m, _ := newManager(t, testLimits, nil, pluginCfg("up", map[string]string{"ASSAY_TEST_KINDS": "a,b"}), missing)
	if err := m.StartAll(fetchCtx(t)); err == nil {
		t.Fatal("StartAll with a missing binary succeeded")
	}
	var out bytes.Buffer
	if err := m.WriteStatus(&out); err != nil {
		t.Fatal(err)
	}
	pid := m.Status()[0].PID
	for _, re := range []string{
		`(?m)^NAME +KINDS +STATUS +DETAIL$`,
		`(?m)^` + plugins.BuiltinName + ` +in-process *$`,
		fmt.Sprintf(`(?m)^up +a,b +running +pid %d, %s$`, pid, regexp.QuoteMeta(testBin)),
		`(?m)^gone +g +failed +.*no-such-plugin`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("table lacks %s:\n%s", re, out.String())
		}
	}
}
