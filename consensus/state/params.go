package state

import (
	"errors"
	"fmt"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/plugins/spec"
)

// ErrParams is returned for invalid genesis params.
var ErrParams = errors.New("state: invalid params")

// PPM is one whole in parts per million, the unit of slash fractions.
const PPM = 1_000_000

// MaxMissWindow is the largest miss window the 128-bit bitmap holds.
const MaxMissWindow = 128

// DefaultParams returns the genesis defaults (docs/protocol.md section 5).
func DefaultParams() *pb.Params {
	return &pb.Params{
		CommitWindow:        5,
		RevealWindow:        50, // a node down 10 s at 2 blocks/s still reveals: docs/node.md "Restarts"
		JailBlocks:          200,
		SlashWrongPpm:       50_000, // 5%
		SlashNoRevealPpm:    10_000, // 1%
		SlashMissedPpm:      1_000,  // 0.1%
		SlashDoubleSignPpm:  50_000, // 5%
		MissWindow:          100,
		MissMax:             50,
		MaxTxBytes:          4 << 20,
		MaxCodeBytes:        8 << 20,
		MaxParamsBytes:      16 << 10,
		MaxFetchConfigBytes: spec.DefaultMaxConfigBytes, // 4 KiB
		MaxReplicas:         64,
		MaxGasLimit:         200_000_000, // = sandbox.DefaultMaxGas: ~100 ms of a Go guest on the compiler
		MaxOutputBytes:      1 << 20,
		MaxMemoryPages:      512,
		MaxBatchEntries:     10_000,
	}
}

// ValidateParams checks that p is usable.
func ValidateParams(p *pb.Params) error {
	checks := []struct {
		ok   bool
		what string
	}{
		{p.CommitWindow >= 1, "commit_window must be ≥ 1"},
		{p.RevealWindow >= 1, "reveal_window must be ≥ 1"},
		{p.SlashWrongPpm < PPM && p.SlashNoRevealPpm < PPM && p.SlashMissedPpm < PPM && p.SlashDoubleSignPpm < PPM, "slash fractions must be < 1000000 ppm"},
		{p.MissWindow >= 1 && p.MissWindow <= MaxMissWindow, "miss_window must be in 1..128"},
		{p.MissMax < p.MissWindow, "miss_max must be < miss_window"},
		{p.MaxTxBytes >= 1024, "max_tx_bytes must be ≥ 1024"},
		{p.MaxCodeBytes >= 8, "max_code_bytes must be ≥ 8"},
		{p.MaxReplicas >= 1, "max_replicas must be ≥ 1"},
		{p.MaxGasLimit >= 1, "max_gas_limit must be ≥ 1"},
		{p.MaxOutputBytes >= 1, "max_output_bytes must be ≥ 1"},
		{p.MaxMemoryPages >= 1 && p.MaxMemoryPages <= 65536, "max_memory_pages must be in 1..65536"},
		{p.MaxBatchEntries >= 1, "max_batch_entries must be ≥ 1"},
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("%w: %s", ErrParams, c.what)
		}
	}
	return nil
}
