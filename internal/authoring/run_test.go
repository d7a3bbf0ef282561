package authoring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/sandbox"
)

// echoWasm is a tiny validator program whose output is its input.
const echoWasm = "../../consensus/worker/testdata/echo.wasm"

// TestRunOptionsJob checks the job RunOptions builds and the errors that
// name the bad value.
func TestRunOptionsJob(t *testing.T) {
	dir := t.TempDir()
	in, params := filepath.Join(dir, "in"), filepath.Join(dir, "params")
	for p, b := range map[string]string{in: "hello", params: `{"k":1}`} {
		if err := os.WriteFile(p, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := RunOptions{Input: in, Engine: "compiler", Time: "0", Source: "s", Gas: 1000, Height: 7, MaxOutput: 10, MemoryPages: 2}
	cases := []struct {
		name    string
		edit    func(o *RunOptions)
		engine  sandbox.Engine
		time    int64
		params  string
		wantErr string
	}{
		{"defaults", func(*RunOptions) {}, sandbox.EngineCompiler, 0, "", ""},
		{"interpreter, params, nanos", func(o *RunOptions) { o.Engine, o.Params, o.Time = "interpreter", params, "1700000000000000001" },
			sandbox.EngineInterpreter, 1700000000000000001, `{"k":1}`, ""},
		{"rfc 3339", func(o *RunOptions) { o.Time = "2024-01-01T00:00:00.5Z" }, sandbox.EngineCompiler, 1704067200500000000, "", ""},
		{"bad engine", func(o *RunOptions) { o.Engine = "jit" }, 0, 0, "", `unknown engine "jit"`},
		{"bad time", func(o *RunOptions) { o.Time = "yesterday" }, 0, 0, "", `--time "yesterday": want RFC 3339 or unix nanoseconds`},
		{"missing input", func(o *RunOptions) { o.Input = filepath.Join(dir, "nope") }, 0, 0, "", "nope"},
		{"missing params", func(o *RunOptions) { o.Params = filepath.Join(dir, "nop") }, 0, 0, "", "nop"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			tc.edit(&o)
			job, eng, err := o.Job()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Job() error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := sandbox.Job{Source: "s", Input: []byte("hello"), Height: 7, Time: tc.time, GasLimit: 1000, MaxOutput: 10, MemoryPages: 2}
			if tc.params != "" {
				want.Params = []byte(tc.params)
			}
			if eng != tc.engine || string(job.Input) != string(want.Input) || string(job.Params) != string(want.Params) ||
				job.Source != want.Source || job.Height != want.Height || job.Time != want.Time ||
				job.GasLimit != want.GasLimit || job.MaxOutput != want.MaxOutput || job.MemoryPages != want.MemoryPages {
				t.Errorf("Job() = %+v, %v; want %+v, %v", job, eng, want, tc.engine)
			}
		})
	}
}

// TestRun runs the echo program on both engines and checks the report.
func TestRun(t *testing.T) {
	for _, engine := range []string{"compiler", "interpreter"} {
		job, eng, err := RunOptions{Input: echoWasm, Engine: engine, Time: "0", Gas: sandbox.DefaultMaxGas, Height: 1,
			MaxOutput: sandbox.DefaultMaxOutput}.Job()
		if err != nil {
			t.Fatal(err)
		}
		job.Input = []byte("hello")
		rep, res, err := Run(echoWasm, eng, job)
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Output) != "hello" || rep.OutputSize != 5 || rep.Engine != engine || rep.OutputCID == "" || rep.CodeCID == "" {
			t.Errorf("%s: report %+v, output %q", engine, rep, res.Output)
		}
	}
}
