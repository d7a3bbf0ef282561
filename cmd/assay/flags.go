package main

import (
	"math"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/node"
)

// Ranges of numeric flags.
const (
	// maxBasePort leaves room for a home's ports base .. base+6.
	maxBasePort = 65535 - (node.PortsPerHome - 1)
	// maxMemoryPagesFlag is wasm32's whole address space in 64 KiB pages.
	maxMemoryPagesFlag = 65536
	// maxNodesFlag bounds testnet -n and devnet --validators.
	maxNodesFlag = 1000
	// maxHeightFlag is the largest block height (CometBFT's are int64).
	maxHeightFlag = math.MaxInt64
	// maxDurationFlag is the longest time.Duration.
	maxDurationFlag = time.Duration(math.MaxInt64)
)

// Ranges taken from the chain's default params: a job beyond them could
// not run on a network with those params.
var (
	maxGasFlag      = state.DefaultParams().MaxGasLimit
	maxOutputFlag   = int(state.DefaultParams().MaxOutputBytes)
	maxStakeFlag    = uint64(cmttypes.MaxTotalVotingPower) // stake is voting power
	maxReplicasFlag = state.DefaultParams().MaxReplicas
)
