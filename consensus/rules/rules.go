// Package rules is the part of the protocol's definition that lives
// outside the state machine's own code: the store-time check of Wasm
// modules (runtime/meter's limits, frozen per protocol version) and the
// grammar of fetch-config templates. Every node must run the state machine
// with exactly these rules, or it computes different app hashes; state.Open
// refuses a Config without them, so no caller can leave one out.
//
// Changing any value here is a protocol change: add a new version beside
// V1, never edit V1.
package rules

import (
	"github.com/assaynet/assay/consensus/codecheck"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/plugins/template"
	"github.com/assaynet/assay/runtime/meter"
)

// Version is the newest protocol version these rules define.
const Version = 1

// V1 returns the state machine's rules of protocol version 1.
func V1() state.Config {
	return state.Config{Code: codecheck.New(MeterLimitsV1()), Template: template.Validate}
}

// MeterLimitsV1 returns the store-time module limits of protocol version 1
// (docs/protocol.md section 8), meter.LimitsV1; a golden file pins them,
// so that no change to the runtime changes consensus unnoticed.
func MeterLimitsV1() meter.Limits { return meter.LimitsV1() }
