package authoring

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestUpdateFixtures writes expectations for a validator program's
// fixtures that have none or stale ones, leaves a wrong status alone,
// and then `validator test` (RunFixtures) passes on every fixture but
// that one; a second update writes nothing.
func TestUpdateFixtures(t *testing.T) {
	dir := t.TempDir()
	td := filepath.Join(dir, "testdata")
	if err := os.Mkdir(td, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(jsoncanonDir, "jsoncanon.wasm"), filepath.Join(dir, "v.wasm"))
	copyFile(t, filepath.Join(jsoncanonDir, "testdata", "params.json"), filepath.Join(td, "params.json"))
	good := `{"station":"abc","readings":[{"t":1,"value":2.50}]}`
	files := map[string]string{
		"new-ok.input": good, "new-bad.input": `{"station":"x","readings":[]}`,
		"stale.input": good, "stale.expect": "status: ACCEPTED\ncid: bafkreiaaaa\ngas: 900000000\n", "stale.output": "old",
		"nooutput.input": good, "nooutput.expect": "status: ACCEPTED\n",
		"wrong.input": good, "wrong.expect": "status: REJECTED\n",
	}
	for name, body := range files {
		writeFile(t, filepath.Join(td, name), body)
	}
	o := FixtureOptions{NoBuild: true, NoInterpreter: true, Fixtures: "testdata"}
	written, err := UpdateFixtures(dir, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range written {
		names = append(names, filepath.Base(w))
	}
	want := []string{"new-bad.expect", "new-ok.expect", "new-ok.output", "nooutput.output", "stale.expect", "stale.output"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("wrote %v, want %v", names, want)
	}
	canon := `{"readings":[{"t":1,"value":2.5}],"station":"abc"}`
	for name, wantBody := range map[string]string{
		"new-ok.output": canon, "stale.output": canon, "wrong.expect": "status: REJECTED\n",
	} {
		if b, _ := os.ReadFile(filepath.Join(td, name)); string(b) != wantBody {
			t.Errorf("%s = %q, want %q", name, b, wantBody)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(td, "new-bad.expect")); !strings.Contains(string(b), "status: REJECTED\nreason") {
		t.Errorf("new-bad.expect = %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(td, "stale.expect")); strings.Contains(string(b), "bafkreiaaaa") || !strings.Contains(string(b), "gas: 900000000") {
		t.Errorf("stale.expect = %q", b)
	}
	rows, err := RunFixtures(dir, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.OK == (r.Name == "wrong") {
			t.Errorf("fixture %s: ok %v (%s)", r.Name, r.OK, r.Error)
		}
	}
	if again, err := UpdateFixtures(dir, o, io.Discard); err != nil || len(again) != 0 {
		t.Errorf("second update wrote %v, %v", again, err)
	}
}
