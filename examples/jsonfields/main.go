// Command jsonfields is the example Assay validator program: it checks that the
// input is a JSON object with the fields named in the params, each of the
// declared type, and outputs the object in RFC 8785 canonical form.
//
// Params:
//
//	{"fields": [{"name": "symbol", "type": "string"}, {"name": "price", "type": "number"}]}
//
// Types are the JSON Schema names: string, number, integer, boolean,
// object, array, null. Fields not named in the params are kept.
//
// Build (the committed module/jsonfields.wasm is exactly this; see scripts/validators.sh):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false \
//	    -ldflags="-s -w -buildid=" -o module/jsonfields.wasm .
package main

import "github.com/assaynet/assay/sdk/assay"

func init() { assay.Handle(check) }

func main() {}
