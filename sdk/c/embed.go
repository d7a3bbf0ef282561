// Package csdk ships the C SDK header, assay.h, to Go programs: the CLI
// copies it into C validators it scaffolds (`assay validator new --lang c`).
package csdk

import _ "embed"

// Header is the contents of assay.h.
//
//go:embed assay.h
var Header []byte
