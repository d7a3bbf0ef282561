// Package rules is the part of the protocol's definition that lives
// outside the state machine's own code: the store-time check of Wasm
// modules (runtime/meter's limits and the initializer's gas bound, frozen
// per protocol version) and the grammar of fetch-config templates. Every
// node must run the state machine with exactly these rules, or it computes
// different app hashes; state.Open refuses a Config without them, so no
// caller can leave one out.
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

// InitGasV1 bounds the gas of a module's _initialize in the store-time
// check of protocol version 1 (docs/protocol.md section 8): StoreCode
// refuses a module whose initializer runs past it. The check runs on
// wazero's interpreter in CheckTx and again in FinalizeBlock, twice over
// (pre-initialization compares two runs), so the bound is the CPU a node
// may spend on one check: about 0.42 s of CPU for the costliest
// initializer (a one-gas loop running out) against 0.19 s for a Go guest
// (README, "Performance"; BenchmarkStoreCodeCheck), while a Go guest's
// initializer (about 1.7M gas) fits more than ten times over
// (TestInitGasV1Bound). It is below sandbox.InitGasLimit, so code the
// chain stores pre-initializes on a node with the default memory.
const InitGasV1 = 20_000_000

// MaxStoreCodesV1 is how many StoreCode txs a block of protocol version
// 1 may hold (a proposal with more is refused): with InitGasV1 it bounds
// the store-time checks of one block to about 0.85 s of CPU on the
// reference machine, whatever a faulty proposer puts in it.
const MaxStoreCodesV1 = 2

// V1 returns the state machine's rules of protocol version 1.
func V1() state.Config {
	return state.Config{Code: codecheck.New(MeterLimitsV1()).WithInit(InitGasV1), Template: template.Validate,
		MaxStoreCodes: MaxStoreCodesV1}
}

// MeterLimitsV1 returns the store-time module limits of protocol version 1
// (docs/protocol.md section 8), meter.LimitsV1; a golden file pins them,
// so that no change to the runtime changes consensus unnoticed.
func MeterLimitsV1() meter.Limits { return meter.LimitsV1() }
