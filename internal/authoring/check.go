package authoring

import (
	"context"
	"fmt"

	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/internal/filelimit"
	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// Check reads the module at path (gunzipping it when compressed) and
// statically checks it with the chain's default limits, then runs its
// _initialize as the chain's store-time check does (sandbox.CheckInit
// within rules.InitGasV1); it returns the checker's report and the
// module's CID. A check failure names path.
func Check(path string) (*meter.Info, string, error) {
	wasm, err := ReadModule(path)
	if err != nil {
		return nil, "", err
	}
	info, err := meter.Check(wasm, meter.DefaultLimits())
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	id, err := pin.SumBytes(wasm)
	if err != nil {
		return nil, "", err
	}
	// The chain also runs the initializer (docs/protocol.md section 8).
	if err := sandbox.CheckInit(context.Background(), wasm, meter.DefaultLimits(), rules.InitGasV1); err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return info, id.String(), nil
}

// ReadModule reads a module file, gunzipping it when compressed.
func ReadModule(path string) ([]byte, error) {
	b, err := filelimit.Read(path, filelimit.Code)
	if err != nil {
		return nil, err
	}
	return sandbox.Decompress(b, meter.DefaultLimits().MaxModuleBytes)
}
