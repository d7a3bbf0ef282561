package main

import (
	"flag"
	"fmt"
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

// noArgs reports whether a command that takes only flags got no
// positional arguments; if it got some, it prints the first and the
// command's usage to fs's output.
func noArgs(fs *flag.FlagSet) bool {
	if fs.NArg() == 0 {
		return true
	}
	fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
	fs.Usage()
	return false
}
