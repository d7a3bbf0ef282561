// Package codecheck wires the runtime's store-time checks into the state
// machine: a module is stored only if runtime/meter accepts it and, when it
// exports _initialize, its initializer pre-initializes in the
// initialization environment of docs/abi.md within a fixed gas bound
// (runtime/sandbox.CheckInit, on wazero's interpreter); it is named by its
// CID (runtime/pin, `ipfs add --cid-version=1`).
//
// The check is deterministic: its answer depends on the module bytes and
// the Checker's rules alone (no clock, I/O or goroutines reach the state
// machine through it), so every node accepts or refuses the same StoreCode.
//
// # Example
//
//	c := codecheck.New(rules.MeterLimitsV1()).WithInit(rules.InitGasV1) // as consensus/rules.V1 does
package codecheck

import (
	"context"
	"fmt"

	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// Checker implements state.CodeChecker with meter.Check, pin.SumBytes
// and, with WithInit, sandbox.CheckInit.
type Checker struct {
	lim     meter.Limits
	initGas uint64 // 0: the initializer is not run
}

// New returns a Checker enforcing lim. It does not run initializers:
// WithInit adds that check (consensus/rules.V1 does).
func New(lim meter.Limits) *Checker { return &Checker{lim: lim} }

// WithInit returns a copy of c that also refuses a module whose
// _initialize does not pre-initialize (it traps, runs past gas, calls a
// job-only host function or is not deterministic; sandbox.CheckInit) with
// memories of at most the limits' MaxMemoryPages.
func (c *Checker) WithInit(gas uint64) *Checker {
	d := *c
	d.initGas = gas
	return &d
}

// Check implements state.CodeChecker.
func (c *Checker) Check(wasm []byte) (string, error) {
	if _, err := meter.Check(wasm, c.lim); err != nil {
		return "", fmt.Errorf("codecheck: %w", err)
	}
	id, err := pin.SumBytes(wasm)
	if err != nil {
		return "", fmt.Errorf("codecheck: cid: %w", err)
	}
	if c.initGas > 0 {
		// Background: nothing cancels the check, so its answer is the
		// module's alone.
		if err := sandbox.CheckInit(context.Background(), wasm, c.lim, c.initGas); err != nil {
			return "", fmt.Errorf("codecheck: %w", err)
		}
	}
	return id.String(), nil
}
