#!/usr/bin/env bash
# make proto: regenerate consensus/pb from consensus/proto with protoc
# (Debian protobuf-compiler) and protoc-gen-go at the version in go.mod.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { echo "proto: protoc missing (apt-get install protobuf-compiler)"; exit 1; }
gobin=$(mktemp -d)
trap 'rm -rf "$gobin"' EXIT
GOBIN=$gobin go install google.golang.org/protobuf/cmd/protoc-gen-go
PATH=$gobin:$PATH protoc -I consensus/proto \
  --go_out=. --go_opt=module=github.com/assaynet/assay \
  consensus/proto/assay/v1/*.proto
echo "proto: regenerated consensus/pb"
