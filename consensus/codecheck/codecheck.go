// Package codecheck wires the runtime's store-time checks into the state
// machine: a module is stored only if runtime/meter accepts it, and it is
// named by its CID (runtime/pin, `ipfs add --cid-version=1`).
//
// # Example
//
//	c := codecheck.New(rules.MeterLimitsV1()) // as consensus/rules.V1 does
package codecheck

import (
	"fmt"

	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/pin"
)

// Checker implements state.CodeChecker with meter.Check and pin.SumBytes.
type Checker struct {
	lim meter.Limits
}

// New returns a Checker enforcing lim.
func New(lim meter.Limits) *Checker { return &Checker{lim: lim} }

// Check implements state.CodeChecker.
func (c *Checker) Check(wasm []byte) (string, error) {
	if _, err := meter.Check(wasm, c.lim); err != nil {
		return "", fmt.Errorf("codecheck: %w", err)
	}
	id, err := pin.SumBytes(wasm)
	if err != nil {
		return "", fmt.Errorf("codecheck: cid: %w", err)
	}
	return id.String(), nil
}
