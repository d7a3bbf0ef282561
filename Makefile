# Assay — the two commands a newcomer needs are `make demo` and `make test`.
# Everything else they need is committed or installed by these targets.

GO        ?= go
BIN       := bin
ASSAY     := $(BIN)/assay
PKGS      := ./...
FUZZTIME  ?= 30s
# Debian packages the tests and demo use when present (C validator, WAT corpus, protoc).
DEB_TOOLS := clang lld wabt protobuf-compiler
# Debian packages of the Rust SDK's toolchain (wasm32 targets of rustc 1.63).
RUST_TOOLS := rustc libstd-rust-dev-wasm32

.PHONY: all build test test-long test-e2e explorer-shots demo demo-validator bench bench-devnet fuzz lint vet fmt-check tools proto validators clean

all: build

build:
	$(GO) build -o $(ASSAY) ./cmd/assay

## tools: install optional Debian tools (clang, lld, wabt, protoc, chromium) when running as root;
## otherwise say what is missing. Never fails the build: tests skip what they cannot run.
tools:
	@missing=""; for t in clang wasm-ld wat2wasm protoc; do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "tools: installing $(DEB_TOOLS) (missing:$$missing)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_TOOLS)) >/dev/null 2>&1 || echo "tools: apt-get failed; tests needing$$missing will skip"; \
	  else echo "tools: missing$$missing (apt-get install $(DEB_TOOLS)); tests needing them will skip"; fi; \
	fi
	@# Rust SDK: Debian's rustc with the wasm32 standard library (validators/ohlcv-rust).
	@if [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/wasm32-unknown-unknown ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "tools: installing $(RUST_TOOLS)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(RUST_TOOLS)) >/dev/null 2>&1 || echo "tools: apt-get failed; the Rust rebuild tests will skip"; \
	  else echo "tools: missing Debian rustc (apt-get install $(RUST_TOOLS)); the Rust rebuild tests will skip"; fi; \
	fi
	@# AssemblyScript SDK: the compiler pinned by sdk/as/package-lock.json (node and npm from the machine).
	@if [ ! -x sdk/as/node_modules/.bin/asc ]; then \
	  if command -v npm >/dev/null 2>&1; then (cd sdk/as && npm ci --no-audit --no-fund --prefer-offline >/dev/null 2>&1) || echo "tools: npm ci in sdk/as failed; the AssemblyScript rebuild tests will skip"; \
	  else echo "tools: missing npm (apt-get install npm); the AssemblyScript rebuild tests will skip"; fi; \
	fi
	@# chromium: the explorer's browser test (internal/explorer, TestExplorerBrowser) skips without it
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "tools: installing chromium"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || echo "tools: apt-get chromium failed; the browser test will skip"; \
	  else echo "tools: missing chromium (apt-get install chromium); the browser test will skip"; fi; \
	fi

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

lint: vet fmt-check

## test: everything CI runs (vet, gofmt, unit + integration tests, race on concurrent packages).
test: tools lint
	$(GO) test -count=1 -timeout 20m $(PKGS)
	ASSAY_E2E=1 $(GO) test -count=1 -timeout 5m ./internal/explorer -run 'TestExplorerBrowser'
	$(GO) test -count=1 -race -timeout 10m ./runtime/pin/... ./plugins/... ./consensus/store/... ./consensus/node/... ./node/... ./consensus/worker/... ./internal/devnet/...

## test-long: soaks and many-seed simulations.
test-long: tools
	ASSAY_LONG=1 $(GO) test -count=1 -timeout 60m $(PKGS)

## test-e2e: the longer multi-process tests (kill -9 and restart, faults slashed, halt and resume).
test-e2e: tools
	ASSAY_E2E=1 $(GO) test -count=1 -timeout 30m ./cmd/assay -run 'TestKillAndRestart|TestKillAfterCommit|TestFaultsSlashed|TestHaltAndResume|TestTestnetProcesses|TestStartSIGTERMWithHungPlugin'
	ASSAY_E2E=1 $(GO) test -count=1 -timeout 10m ./internal/devnet -run 'TestDevnetHeadless|TestEveryDatasetOnEveryNode|TestReplicateAfterRestart'
	ASSAY_E2E=1 $(GO) test -count=1 -timeout 5m ./internal/explorer -run 'TestExplorerBrowser' -v

## explorer-shots: refresh docs/explorer/*.png with the browser test's screenshots.
explorer-shots: tools
	ASSAY_E2E=1 ASSAY_EXPLORER_SHOTS=$(CURDIR)/docs/explorer $(GO) test -count=1 -timeout 5m ./internal/explorer -run 'TestExplorerBrowser'

## demo: the devnet, 4 validators in one process with a faulty one, for 90 s (DEMO_ARGS to change).
DEMO_ARGS ?= --duration 90s
demo: build
	./$(ASSAY) devnet $(DEMO_ARGS)

## demo-validator: run the example validator alone through the CLI on sample inputs.
demo-validator: build
	./scripts/demo.sh

## bench-devnet: one row of the README's devnet table, one command: the devnet under
## load for BENCH_DURATION, printing the row (rounds/min, resolved/due, mean and max
## blocks, RSS, CPU). E.g. make bench-devnet SOURCES=5000 CONCURRENCY=32, or with the
## Go validator: make bench-devnet SOURCES=2000 BENCH_CODE=builtin:jsonfields BENCH_PARAMS=builtin:jsonfields
SOURCES           ?= 1000
CONCURRENCY       ?= 16
BENCH_DURATION    ?= 180s
BENCH_CODE        ?= consensus/worker/testdata/echo.wasm
BENCH_PARAMS      ?=
bench-devnet: build
	./$(ASSAY) devnet --headless --row --duration $(BENCH_DURATION) --sources $(SOURCES) --every 10 --k 3 \
	  --block-time 700ms --concurrency $(CONCURRENCY) --code $(BENCH_CODE) --params "$(BENCH_PARAMS)" --summary-json bench-devnet.json

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m $(PKGS)

## fuzz: run every fuzz target for FUZZTIME each.
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

proto:
	./scripts/proto.sh
	./scripts/proto-plugins.sh

## validators: rebuild every committed validator module (Go, C incl. validators/ohlcv-c, Rust, AssemblyScript) reproducibly
validators:
	./scripts/validators.sh

clean:
	rm -rf $(BIN)
