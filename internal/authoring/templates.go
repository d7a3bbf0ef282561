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

// templates are each language's templates, by Scaffold's lang.
var templates = map[string]map[string]string{"go": goScaffold, "c": cScaffold, "rust": rustScaffold, "as": asScaffold}

var goScaffold = withFixtures(map[string]string{
	"go.mod": `module example.com/[[.Name]]

go 1.26.0

// [[.SDKDir]] is the Assay SDK this program was scaffolded with, version
// [[.SDKVersion]] ([[.SDKDir]]/VERSION lists its files). Keep it with your
// sources: a rebuild from the same files with the same Go toolchain gives
// the same .wasm bytes, so anyone can reproduce the code CID.
require github.com/assaynet/assay v0.0.0-[[.SDKVersion]]

replace github.com/assaynet/assay => ./[[.SDKDir]]
`,
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

func init() { assay.Validate(check) }

func main() {}

// maxInput is the largest input check reads: a larger one is rejected by
// its length, before it is copied into the module's memory.
const maxInput = 1 << 20

// check is the validator: write the output and return nil to accept,
// return an error to reject.
func check(in *assay.Input) error {
	n := in.Len()
	if n == 0 {
		return assay.Reject("empty input")
	}
	if n > maxInput {
		return assay.Reject("input is %d bytes, limit %d", n, maxInput)
	}
	v, err := jcs.Parse(in.Bytes(), jcs.DefaultLimits())
	if err != nil {
		return assay.Reject("input is not JSON: %v", err)
	}
	_, err = in.Write(jcs.Append(nil, v))
	return err
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
[[.Name]].wasm: $(wildcard *.go) [[if not .InTree]]go.mod $(wildcard [[.SDKDir]]/sdk/*/*.go [[.SDKDir]]/runtime/abi/*.go)[[end]]
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

var rustScaffold = withFixtures(map[string]string{
	"src/lib.rs": `//! [[.Name]]: an Assay validator program in Rust. It accepts a JSON input
//! and outputs it in RFC 8785 canonical form; change check to validate
//! your data. Build: make. Test: assay validator test .
use assay::json;
use assay::Round;

assay::validator!(check);

/// The largest input check reads.
const MAX_INPUT: usize = 1 << 20;

/// The validator: Ok(output) accepts, Err(reason) rejects.
fn check(input: &[u8], _params: &[u8], _round: Round) -> Result<Vec<u8>, String> {
    if input.is_empty() {
        return Err(String::from("empty input"));
    }
    if input.len() > MAX_INPUT {
        return Err(format!("input is {} bytes, limit {}", input.len(), MAX_INPUT));
    }
    let v = json::parse(input, json::Limits::default()).map_err(|e| format!("input is not JSON: {}", e))?;
    let mut out = Vec::new();
    json::append(&mut out, &v);
    Ok(out)
}
`,
	"Cargo.toml": `# For development with cargo (cargo build --release --target
# wasm32-unknown-unknown); make builds the module reproducibly with rustc.
[package]
name = "[[.Name]]"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]
path = "src/lib.rs"

[dependencies]
assay = { path = "[[.SDKDir]]/sdk/rust" }

[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
panic = "abort"
strip = true
`,
	".gitignore": "target/\n",
	"Makefile": `# Builds [[.Name]].wasm from src/lib.rs and the Rust SDK in [[.SDKDir]] with
# rustc for wasm32-unknown-unknown (Debian: apt-get install rustc
# libstd-rust-dev-wasm32). rustc is called directly with fixed crate
# metadata and this directory remapped, so the bytes do not depend on
# where the project lives.
RUSTC  ?= $(firstword $(wildcard /usr/bin/rustc) rustc)
FLAGS  := --edition 2021 --target wasm32-unknown-unknown -C opt-level=s -C panic=abort -C codegen-units=1 \
          --remap-path-prefix=$(CURDIR)=/[[.Name]]

[[.Name]].wasm: src/lib.rs $(wildcard [[.SDKDir]]/sdk/rust/src/*.rs)
	@command -v $(RUSTC) >/dev/null 2>&1 || { echo "missing rustc: apt-get install rustc libstd-rust-dev-wasm32"; exit 1; }
	@mkdir -p target
	$(RUSTC) $(FLAGS) --crate-type rlib --crate-name assay -C metadata=assay-sdk \
	  -o target/libassay.rlib [[.SDKDir]]/sdk/rust/src/lib.rs
	$(RUSTC) $(FLAGS) --crate-type cdylib --crate-name [[.Name]] -C metadata=[[.Name]] -C lto -C strip=symbols \
	  --extern assay=target/libassay.rlib -o $@ src/lib.rs

.PHONY: clean
clean:
	rm -rf target [[.Name]].wasm
`,
})

var asScaffold = withFixtures(map[string]string{
	"assembly/index.ts": `// [[.Name]]: an Assay validator program in AssemblyScript. It accepts an
// input that is one JSON value and outputs it unchanged; change validate
// to check your data. Build: make. Test: assay validator test .
import * as assay from "../[[.SDKDir]]/sdk/as/assembly/index";
import { jsonError } from "../[[.SDKDir]]/sdk/as/assembly/json";

// abortTrap is the abort handler (asc --use abort=assembly/index/abortTrap): a trap.
export function abortTrap(message: string | null, file: string | null, line: u32, column: u32): void {
  unreachable();
}

// The largest input validate reads.
const MAX_INPUT: i32 = 1 << 20;

export function validate(): void {
  const n = assay.inputLen();
  if (n == 0) assay.reject("empty input");
  if (n > MAX_INPUT) assay.reject("input is " + n.toString() + " bytes, limit " + MAX_INPUT.toString());
  const input = assay.input();
  if (assay.parse(input, 0, 0) == null) assay.reject("input is not JSON: " + jsonError);
  assay.output(input);
}
`,
	"Makefile": `# Builds [[.Name]].wasm from assembly/index.ts and the AssemblyScript SDK in
# [[.SDKDir]] with the compiler its package-lock.json pins (assemblyscript
# 0.28.20): run "npm ci" in [[.SDKDir]]/sdk/as once, or set ASC.
# --runtime stub: a bump allocator, no GC; --exportStart _initialize: the
# top-level initialisers run as the ABI's _initialize.
ASC ?= [[.SDKDir]]/sdk/as/node_modules/.bin/asc

[[.Name]].wasm: assembly/index.ts $(wildcard [[.SDKDir]]/sdk/as/assembly/*.ts)
	@test -x $(ASC) || { echo "missing $(ASC): (cd [[.SDKDir]]/sdk/as && npm ci) or set ASC"; exit 1; }
	$(ASC) assembly/index.ts --runtime stub --use abort=assembly/index/abortTrap --exportStart _initialize \
	  -O3 --noAssert -o $@

.PHONY: clean
clean:
	rm -f [[.Name]].wasm
`,
})

// withFixtures adds the shared fixtures to a language's templates.
func withFixtures(m map[string]string) map[string]string {
	for k, v := range scaffoldFixtures {
		m[k] = v
	}
	return m
}
