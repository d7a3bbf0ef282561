#!/usr/bin/env bash
# make demo-validator: run the example validator through the CLI on sample
# inputs, printing each verdict. (`make demo` runs the devnet.)
set -euo pipefail
cd "$(dirname "$0")/.."
ex=examples/jsonfields
echo "== static check of $ex/module/jsonfields.wasm"
./bin/assay validator check "$ex/module/jsonfields.wasm"
for input in "$ex"/testdata/*.input; do
  echo
  echo "== assay validator run $ex/module/jsonfields.wasm --input $input"
  ./bin/assay validator run "$ex/module/jsonfields.wasm" --input "$input" --params "$ex/testdata/params.json"
done
