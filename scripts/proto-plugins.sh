#!/usr/bin/env bash
# Regenerates plugins/internal/proto (the fetcher plugin protocol) with
# protoc (Debian protobuf-compiler), protoc-gen-go at the version in go.mod
# and protoc-gen-go-grpc v1.6.0.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { echo "proto-plugins: protoc missing (apt-get install protobuf-compiler)"; exit 1; }
gobin=$(mktemp -d)
trap 'rm -rf "$gobin"' EXIT
GOBIN=$gobin go install google.golang.org/protobuf/cmd/protoc-gen-go
GOBIN=$gobin go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.0
PATH=$gobin:$PATH protoc -I plugins/internal/proto \
  --go_out=. --go_opt=module=github.com/assaynet/assay \
  --go-grpc_out=. --go-grpc_opt=module=github.com/assaynet/assay \
  plugins/internal/proto/fetcher.proto
echo "proto-plugins: regenerated plugins/internal/proto"
