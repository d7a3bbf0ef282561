#!/usr/bin/env bash
# make demo: build the example validator and run it through the CLI on
# sample inputs, printing each verdict. (The devnet replaces this later.)
set -euo pipefail
cd "$(dirname "$0")/.."
ex=examples/jsonfields
echo "== static check of $ex/jsonfields.wasm"
./bin/assay validator check "$ex/jsonfields.wasm"
for input in "$ex"/testdata/*.input; do
  echo
  echo "== assay validator run $ex/jsonfields.wasm --input $input"
  ./bin/assay validator run "$ex/jsonfields.wasm" --input "$input" --params "$ex/testdata/params.json"
done
