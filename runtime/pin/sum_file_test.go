package pin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSumFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hello")
	if err := os.WriteFile(path, []byte("hello world\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		v0   bool
		want string
	}{
		{path, false, "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"},
		{"-", false, "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"},
		{path, true, "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"},
	} {
		c, err := SumFile(tc.path, strings.NewReader("hello world\n"), tc.v0)
		if err != nil || c.String() != tc.want {
			t.Errorf("SumFile(%q, v0 %v) = %v, %v; want %s", tc.path, tc.v0, c, err, tc.want)
		}
	}
	if _, err := SumFile(filepath.Join(t.TempDir(), "none"), nil, false); err == nil || !strings.Contains(err.Error(), "none") {
		t.Errorf("missing file: %v", err)
	}
}
