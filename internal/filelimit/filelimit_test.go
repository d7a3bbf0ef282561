package filelimit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRead: a file within the limit is read whole; a sparse file one byte
// over and an endless special file fail at once naming the file, the limit
// and what it caps.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	over := filepath.Join(dir, "over")
	if err := os.WriteFile(over, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(over, 6); err != nil {
		t.Fatal(err)
	}
	l := Limit{Bytes: 5, What: "a test file"}
	tests := []struct {
		path, wantErr string
	}{
		{small, ""},
		{over, "file " + over + " is larger than the 5-byte limit of a test file"},
		{"/dev/zero", "file /dev/zero is larger than the 5-byte limit of a test file"},
		{filepath.Join(dir, "missing"), "no such file"},
	}
	for _, tc := range tests {
		b, err := Read(tc.path, l)
		switch {
		case tc.wantErr == "" && (err != nil || string(b) != "hello"):
			t.Errorf("%s: %q, %v", tc.path, b, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: error %v, want %q", tc.path, err, tc.wantErr)
		}
	}
}
