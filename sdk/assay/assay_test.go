//go:build !wasip1

package assay

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/abi"
)

// with registers h for the duration of one test.
func with(t *testing.T, h Handler) {
	t.Helper()
	old := registered
	registered = h
	t.Cleanup(func() { registered = old })
}

func TestExecVerdicts(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 3*outChunk+7)
	tests := []struct {
		name       string
		h          Handler
		input      []byte
		wantStatus abi.Status
		wantOut    string
	}{
		{"echo", func(in *Input) error { _, err := in.Write(in.Bytes()); return err }, []byte("hi"), abi.StatusAccepted, "hi"},
		{"empty output", func(in *Input) error { return nil }, []byte("hi"), abi.StatusAccepted, ""},
		{"reject", func(in *Input) error { return Reject("bad %d", 7) }, nil, abi.StatusRejected, "bad 7"},
		{"rejectf", func(in *Input) error { return Rejectf("bad %s", "x") }, nil, abi.StatusRejected, "bad x"},
		{"plain error rejects", func(in *Input) error { return errors.New("boom") }, nil, abi.StatusRejected, "boom"},
		{"panic fails", func(in *Input) error { panic("oops") }, nil, abi.StatusFailed, ""},
		{"output dropped on reject", func(in *Input) error { in.WriteString("partial"); return Reject("no") }, nil, abi.StatusRejected, "no"},
		{"large output", func(in *Input) error {
			for i := 0; i < 3; i++ {
				in.Write(in.Bytes()[:outChunk])
			}
			in.Write(in.Bytes()[:7])
			return nil
		}, big, abi.StatusAccepted, string(big)},
		{"stream reader", func(in *Input) error {
			b, err := io.ReadAll(in.Reader())
			if err != nil {
				return err
			}
			_, err = in.Write(bytes.ToUpper(b))
			return err
		}, []byte("abc"), abi.StatusAccepted, "ABC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			with(t, tt.h)
			res := Exec(Job{Input: tt.input})
			if res.Status != tt.wantStatus {
				t.Fatalf("status %v, want %v (reason %q)", res.Status, tt.wantStatus, res.Reason)
			}
			if tt.wantStatus != abi.StatusFailed && string(res.Output) != tt.wantOut {
				t.Fatalf("output %.40q (len %d), want %.40q (len %d)", res.Output, len(res.Output), tt.wantOut, len(tt.wantOut))
			}
		})
	}
}

func TestHandle(t *testing.T) {
	with(t, nil)
	registered = nil
	Handle(func(input, params []byte, r Round) ([]byte, error) {
		if r.Height != 9 {
			return nil, Reject("height %d", r.Height)
		}
		return append(append([]byte{}, input...), params...), nil
	})
	res := Exec(Job{Input: []byte("in"), Params: []byte("p"), Round: Round{Height: 9}})
	if res.Status != abi.StatusAccepted || string(res.Output) != "inp" {
		t.Fatalf("got %v %q", res.Status, res.Output)
	}
	res = Exec(Job{Round: Round{Height: 3}})
	if res.Status != abi.StatusRejected || res.Reason != "height 3" {
		t.Fatalf("got %v %q", res.Status, res.Reason)
	}
}

func TestValidateTwicePanics(t *testing.T) {
	with(t, func(*Input) error { return nil })
	defer func() {
		if recover() == nil {
			t.Fatal("second Validate did not panic")
		}
	}()
	Validate(func(*Input) error { return nil })
}

func TestNoHandlerRejects(t *testing.T) {
	with(t, nil)
	if res := Exec(Job{}); res.Status != abi.StatusRejected {
		t.Fatalf("status %v, want REJECTED", res.Status)
	}
}

func TestParamsJSON(t *testing.T) {
	type P struct {
		Max int `json:"max"`
	}
	tests := []struct {
		params  string
		wantErr string
		want    int
	}{
		{`{"max": 5}`, "", 5},
		{``, "params: empty", 0},
		{`{"max": 5, "min": 1}`, "unknown field", 0},
		{`{"max": 5} {}`, "trailing data", 0},
		{`{"max": "x"}`, "params:", 0},
		{`[`, "params:", 0},
	}
	for _, tt := range tests {
		var p P
		var got error
		with(t, func(in *Input) error { got = in.ParamsJSON(&p); return nil })
		Exec(Job{Params: []byte(tt.params)})
		if tt.wantErr == "" {
			if got != nil || p.Max != tt.want {
				t.Errorf("%q: err %v max %d", tt.params, got, p.Max)
			}
			continue
		}
		if got == nil || !strings.Contains(got.Error(), tt.wantErr) || !IsRejection(got) {
			t.Errorf("%q: err %v, want rejection containing %q", tt.params, got, tt.wantErr)
		}
	}
}

func TestRoundAndLog(t *testing.T) {
	with(t, func(in *Input) error {
		in.Logf("height=%d", in.Round().Height)
		_, err := in.WriteString(in.Round().Time().Format("2006-01-02T15:04:05Z"))
		return err
	})
	res := Exec(Job{Round: Round{Height: 42, TimeNanos: 1_700_000_000_500_000_000}})
	if string(res.Output) != "2023-11-14T22:13:20Z" || string(res.Log) != "height=42\n" {
		t.Fatalf("output %q log %q", res.Output, res.Log)
	}
}

func TestRoundUnix(t *testing.T) {
	tests := []struct{ ns, want int64 }{
		{0, 0}, {1_999_999_999, 1}, {-1, -1}, {-1_000_000_000, -1}, {-1_000_000_001, -2},
	}
	for _, tt := range tests {
		if got := (Round{TimeNanos: tt.ns}).Unix(); got != tt.want {
			t.Errorf("Unix(%d) = %d, want %d", tt.ns, got, tt.want)
		}
	}
}

// TestImportsMatchABI keeps the //go:wasmimport declarations in line with
// runtime/abi's allow-list (directives cannot use the constants).
func TestImportsMatchABI(t *testing.T) {
	src, err := os.ReadFile("host_wasip1.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`//go:wasmimport (\S+) (\S+)`)
	found := re.FindAllStringSubmatch(string(src), -1)
	if len(found) != 9 {
		t.Fatalf("found %d imports, want 9", len(found))
	}
	for _, m := range found {
		if m[1] != abi.Module {
			t.Errorf("import module %q, want %q", m[1], abi.Module)
		}
		if _, ok := abi.LookupImport(m[1], m[2]); !ok {
			t.Errorf("import %s.%s is not in abi.AllowedImports", m[1], m[2])
		}
	}
	if !strings.Contains(string(src), "//go:wasmexport "+abi.ExportValidate+"\n") {
		t.Errorf("no //go:wasmexport %s", abi.ExportValidate)
	}
}
