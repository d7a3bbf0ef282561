package authoring

// Templates of Scaffold (`assay validator new`), with [[ ]] delimiters. File names
// containing NAME get the validator's name.

// scaffoldFixtures are the fixtures both languages start with.
var scaffoldFixtures = map[string]string{
	"testdata/params.json":     "{}\n",
	"testdata/accepted.input":  "{\"b\": 1, \"a\": [true, \"x\"]}\n",
	"testdata/accepted.expect": "status: ACCEPTED\n",
	"testdata/empty.input":     "",
	"testdata/empty.expect":    "status: REJECTED\nreason: empty input\n",
}

var goScaffold = withFixtures(map[string]string{
	"go.mod": `module example.com/[[.Name]]

go 1.26.0

require [[if .SDKDir]]github.com/assaynet/assay v0.0.0-00010101000000-000000000000[[else]]github.com/assaynet/assay v0.0.0[[end]]
[[if .SDKDir]]
replace github.com/assaynet/assay => [[.SDKDir]]
[[end]]`,
	"main.go": `// Command [[.Name]] is an Assay validator. It accepts a JSON input and
// outputs it in RFC 8785 canonical form; change check to validate your data.
//
// Build: make (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ...).
// Test:  assay validator test .
package main

import (
	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/jcs"
)

func init() { assay.Handle(check) }

func main() {}

// check is the validator: return the output to accept, an error to reject.
func check(input, params []byte, round assay.Round) ([]byte, error) {
	if len(input) == 0 {
		return nil, assay.Reject("empty input")
	}
	v, err := jcs.Parse(input, jcs.DefaultLimits())
	if err != nil {
		return nil, assay.Reject("input is not JSON: %v", err)
	}
	return jcs.Append(nil, v), nil
}
`,
	"check_test.go": `package main

import (
	"testing"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/sdk/assay"
)

// go test runs the validator natively (no sandbox, no gas).
func TestCheck(t *testing.T) {
	res := assay.Exec(assay.Job{Input: []byte(` + "`" + `{"b":1,"a":2}` + "`" + `)})
	if res.Status != abi.StatusAccepted || string(res.Output) != ` + "`" + `{"a":2,"b":1}` + "`" + ` {
		t.Fatalf("got %v %q", res.Status, res.Output)
	}
	if res := assay.Exec(assay.Job{}); res.Status != abi.StatusRejected {
		t.Fatalf("empty input: got %v", res.Status)
	}
}
`,
	"Makefile": `# Builds [[.Name]].wasm reproducibly (same flags as Assay's reference validators).
[[.Name]].wasm: $(wildcard *.go) [[if not .InTree]]go.mod[[end]]
	GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags="-s -w -buildid=" -o $@ .

.PHONY: test
test: [[.Name]].wasm
	go test ./...
	assay validator test .
`,
})

var cScaffold = withFixtures(map[string]string{
	"NAME.c": `/* [[.Name]]: an Assay validator in C. It rejects an empty input and
 * outputs the input unchanged; change validate to check your data. */
#include "assay.h"

#define MAX_INPUT (64 * 1024)

static uint8_t input[MAX_INPUT];

ASSAY_VALIDATE {
	int32_t n = assay_read_input(input, MAX_INPUT);
	if (n < 0) assay_reject_str("input exceeds 65536 bytes");
	if (n == 0) assay_reject_str("empty input");
	assay_output_write(input, n);
}
`,
	"Makefile": `# Builds [[.Name]].wasm with clang and wasm-ld (apt-get install clang lld).
CLANG ?= clang
[[.Name]].wasm: [[.Name]].c assay.h
	@command -v $(CLANG) >/dev/null 2>&1 || { echo "missing $(CLANG): apt-get install clang lld"; exit 1; }
	@command -v wasm-ld >/dev/null 2>&1 || { echo "missing wasm-ld: apt-get install lld"; exit 1; }
	$(CLANG) --target=wasm32 -O2 -nostdlib -mbulk-memory -msign-ext -Wl,--no-entry -Wl,--export=validate -Wl,--strip-all -o $@ [[.Name]].c
`,
})

// withFixtures adds the shared fixtures to a language's templates.
func withFixtures(m map[string]string) map[string]string {
	for k, v := range scaffoldFixtures {
		m[k] = v
	}
	return m
}
