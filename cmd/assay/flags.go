package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/assaynet/assay/consensus/state"
)

// Numeric flags are range-checked: a value outside [min, max] (or one
// that does not fit the variable) is a usage error naming the flag, the
// value and the range, never a silent wrap such as --memory-pages
// 4294967296 becoming 0.

// uintValue is a flag.Value for an unsigned integer in [min, max].
type uintValue[T ~uint | ~uint32 | ~uint64] struct {
	p        *T
	min, max T
}

// uintVar defines an unsigned integer flag that accepts min..max.
func uintVar[T ~uint | ~uint32 | ~uint64](fs *flag.FlagSet, p *T, name string, def, min, max T, usage string) {
	*p = def
	fs.Var(&uintValue[T]{p: p, min: min, max: max}, name, fmt.Sprintf("%s (%d..%d)", usage, min, max))
}

func (v *uintValue[T]) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return strconv.FormatUint(uint64(*v.p), 10)
}

func (v *uintValue[T]) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("not an integer in %d..%d", v.min, v.max)
	}
	if err != nil || n < uint64(v.min) || n > uint64(v.max) {
		return fmt.Errorf("out of range %d..%d", v.min, v.max)
	}
	*v.p = T(n)
	return nil
}

// intValue is a flag.Value for a signed integer in [min, max].
type intValue[T ~int | ~int64] struct {
	p        *T
	min, max T
}

// intVar defines a signed integer flag that accepts min..max.
func intVar[T ~int | ~int64](fs *flag.FlagSet, p *T, name string, def, min, max T, usage string) {
	*p = def
	fs.Var(&intValue[T]{p: p, min: min, max: max}, name, fmt.Sprintf("%s (%d..%d)", usage, min, max))
}

func (v *intValue[T]) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return strconv.FormatInt(int64(*v.p), 10)
}

func (v *intValue[T]) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("not an integer in %d..%d", v.min, v.max)
	}
	if err != nil || n < int64(v.min) || n > int64(v.max) {
		return fmt.Errorf("out of range %d..%d", v.min, v.max)
	}
	*v.p = T(n)
	return nil
}

// durationValue is a flag.Value for a time.Duration in [min, max].
type durationValue struct {
	p        *time.Duration
	min, max time.Duration
}

// durationVar defines a duration flag that accepts min..max.
func durationVar(fs *flag.FlagSet, p *time.Duration, name string, def, min, max time.Duration, usage string) {
	*p = def
	fs.Var(&durationValue{p: p, min: min, max: max}, name, fmt.Sprintf("%s (%v..%v)", usage, min, max))
}

func (v *durationValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return v.p.String()
}

func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration in %v..%v (e.g. 500ms, 2s)", v.min, v.max)
	}
	if d < v.min || d > v.max {
		return fmt.Errorf("out of range %v..%v", v.min, v.max)
	}
	*v.p = d
	return nil
}

// Ranges of numeric flags.
const (
	// maxBasePort leaves room for the four ports base .. base+3.
	maxBasePort = 65535 - 3
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

// checkNet checks what single flag ranges cannot: that n nodes on loopback
// (base-port+10i .. +3 each, unless every node has its own host) stay
// within 65535, and that the total stake fits CometBFT's voting power.
func checkNet(n, basePort int, stake uint64, ownHosts bool) error {
	if last := basePort + 10*(n-1) + 3; !ownHosts && last > 65535 {
		return fmt.Errorf("-n %d from --base-port %d needs ports up to %d (> 65535)", n, basePort, last)
	}
	if stake > maxStakeFlag/uint64(n) {
		return fmt.Errorf("--stake %d × %d validators exceeds CometBFT's total voting power %d", stake, n, maxStakeFlag)
	}
	return nil
}

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
