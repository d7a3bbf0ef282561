#!/usr/bin/env bash
# make validators: rebuild every committed validator module reproducibly.
# Go validators: the flags below are assaytest.BuildFlags (the tests rebuild
# each module with them and fail if the committed bytes differ).
# C validators: clang --target=wasm32 + wasm-ld (Debian: apt-get install clang lld);
# if they are missing this says so and leaves the committed .wasm alone.
# Rust and AssemblyScript ports: Debian's rustc, sdk/as's pinned asc (make tools).
set -euo pipefail
cd "$(dirname "$0")/.."

go_validators=(examples/jsonfields validators/jsoncanon validators/ohlcv validators/csv validators/ethblock)
for dir in "${go_validators[@]}"; do
  [ -f "$dir/main.go" ] || continue
  name=$(basename "$dir")
  out="$name.wasm"
  [ -d "$dir/module" ] && out="module/$name.wasm"   # embedded by the package in module/
  echo "go   $dir/$out"
  (cd "$dir" && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -buildmode=c-shared -trimpath \
     -buildvcs=false -ldflags="-s -w -buildid=" -o "$out" .)
done

for dir in examples/c-validator validators/ohlcv-c; do   # ohlcv-c: ohlcv ported to sdk/c
  [ -f "$dir/Makefile" ] || continue
  if ! command -v clang >/dev/null 2>&1 || ! command -v wasm-ld >/dev/null 2>&1; then
    echo "c    $dir: skipped, missing clang or wasm-ld (apt-get install clang lld)"
    continue
  fi
  echo "c    $dir"
  make -s -B -C "$dir"
done

# Ports of ohlcv to the Rust and AssemblyScript SDKs (sdk/rust, sdk/as).
if [ -x /usr/bin/rustc ] || command -v rustc >/dev/null 2>&1; then
  echo "rust validators/ohlcv-rust"
  make -s -B -C validators/ohlcv-rust
else
  echo "rust validators/ohlcv-rust: skipped, missing rustc (apt-get install rustc libstd-rust-dev-wasm32)"
fi
if [ -x sdk/as/node_modules/.bin/asc ]; then
  echo "as   validators/ohlcv-as"
  make -s -B -C validators/ohlcv-as
else
  echo "as   validators/ohlcv-as: skipped, no sdk/as/node_modules (cd sdk/as && npm ci)"
fi
