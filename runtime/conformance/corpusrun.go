package conformance

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/assaynet/assay/runtime/sandbox"
)

// Outcome is the consensus part of a corpus run, as golden.json pins it.
// A store-time rejection has Status "STORE_REJECTED" and the error in Kind.
type Outcome struct {
	Status  string `json:"status"`
	Kind    string `json:"kind,omitempty"`
	GasUsed uint64 `json:"gas_used"`
	Output  string `json:"output_hex,omitempty"`
}

// StoreRejected is the Outcome status of a module refused at store time.
const StoreRejected = "STORE_REJECTED"

// CaseTimeout is the wall-clock backstop of one corpus job; hitting it
// yields UNAVAILABLE, which the tests treat as a failure.
const CaseTimeout = 20 * time.Second

// Job returns the sandbox job of a case with the given gas limit.
func (c Case) Job(gas uint64) sandbox.Job {
	return sandbox.Job{
		Source:      c.Name,
		Input:       c.Input,
		Height:      1,
		Time:        1_700_000_000_000_000_000,
		GasLimit:    gas,
		MemoryPages: c.MemoryPages,
		Timeout:     CaseTimeout,
	}
}

// GasLimit is the case's gas limit with the default applied.
func (c Case) GasLimit() uint64 {
	if c.Gas == 0 {
		return DefaultCaseGas
	}
	return c.Gas
}

// ResultOutcome extracts the consensus fields of a sandbox result.
func ResultOutcome(r sandbox.Result) Outcome {
	return Outcome{
		Status:  r.Status.String(),
		Kind:    r.Kind,
		GasUsed: r.GasUsed,
		Output:  hex.EncodeToString(r.Output),
	}
}

// RunCase stores the case's module in rt and runs its job with limit gas.
func RunCase(ctx context.Context, rt *sandbox.Runtime, dir string, c Case, gas uint64) (sandbox.Result, error) {
	wasm, err := os.ReadFile(filepath.Join(dir, c.File))
	if err != nil {
		return sandbox.Result{}, fmt.Errorf("conformance: %s: %w", c.Name, err)
	}
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		return sandbox.Result{}, fmt.Errorf("conformance: store %s: %w", c.File, err)
	}
	return rt.Run(ctx, code, c.Job(gas)), nil
}

// LoadGolden reads golden.json; a missing file is an empty map.
func LoadGolden(path string) (map[string]Outcome, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return map[string]Outcome{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("conformance: read golden: %w", err)
	}
	out := map[string]Outcome{}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("conformance: decode golden %s: %w", path, err)
	}
	return out, nil
}

// SaveGolden writes outcomes as indented JSON with sorted keys.
func SaveGolden(path string, outcomes map[string]Outcome) error {
	keys := make([]string, 0, len(outcomes))
	for k := range outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	buf := []byte("{\n")
	for i, k := range keys {
		v, err := json.Marshal(outcomes[k])
		if err != nil {
			return fmt.Errorf("conformance: encode golden: %w", err)
		}
		name, _ := json.Marshal(k)
		buf = append(buf, "  "...)
		buf = append(append(append(buf, name...), ": "...), v...)
		if i < len(keys)-1 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
	}
	buf = append(buf, "}\n"...)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		return fmt.Errorf("conformance: write golden: %w", err)
	}
	return nil
}
