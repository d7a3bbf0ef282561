// Package trustroot is the trust-root flags the verifying commands share
// (`assay dataset verify`, `assay dataset get --verify`, `assay dataset
// replay`): --trust-height and --trust-hash, or --genesis, and
// --trust-period, turned into consumer.Options over the --node list
// (the primary first, then witnesses); and the exit codes and --json
// form of a verification's outcome (ExitCode, WriteJSON).
//
// # Example
//
//	tf := trustroot.Add(fs, fs.String("node", "tcp://127.0.0.1:26657", "nodes"))
//	_ = fs.Parse(args)
//	v, err := tf.Verifier("") // nil, nil without a trust root
package trustroot

import (
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"time"

	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/internal/filelimit"
)

// maxGenesisBytes bounds a --genesis file.
const maxGenesisBytes = 64 << 20

// Flags are the trust root and nodes of a verifying command.
type Flags struct {
	Height  int64
	Hash    string // hex
	Genesis string // path of genesis.json
	Period  time.Duration
	// Nodes is the comma-separated --node list.
	Nodes *string
}

// Add defines the trust-root flags on fs; nodes is the command's --node
// flag.
func Add(fs *flag.FlagSet, nodes *string) *Flags {
	f := &Flags{Nodes: nodes}
	cliflag.Int(fs, &f.Height, "trust-height", 0, 0, math.MaxInt64, "height of a header you trust")
	fs.StringVar(&f.Hash, "trust-hash", "", "hex hash of that header")
	fs.StringVar(&f.Genesis, "genesis", "", "the chain's genesis.json as the trust root instead (while block 1 is within the trust period)")
	cliflag.Duration(fs, &f.Period, "trust-period", consumer.DefaultTrustPeriod, time.Second, time.Duration(math.MaxInt64),
		"how long after its time a trusted header may be used")
	return f
}

// Given reports whether a trust root (or part of one) was given.
func (f *Flags) Given() bool { return f.Height != 0 || f.Hash != "" || f.Genesis != "" }

// Options turns the flags into consumer.Options (gateway "" for none).
// It does not check the trust root: consumer.NewVerifier does.
func (f *Flags) Options(gateway string) (consumer.Options, error) {
	o := consumer.Options{TrustHeight: f.Height, TrustPeriod: f.Period, Gateway: gateway}
	o.Nodes = cliflag.List(*f.Nodes)
	if f.Hash != "" {
		h, err := hex.DecodeString(f.Hash)
		if err != nil {
			return o, fmt.Errorf("--trust-hash %q is not hex", f.Hash)
		}
		o.TrustHash = h
	}
	if f.Genesis != "" {
		b, err := filelimit.Read(f.Genesis, filelimit.Limit{Bytes: maxGenesisBytes, What: "a genesis file"})
		if err != nil {
			return o, fmt.Errorf("--genesis: %w", err)
		}
		o.Genesis = b
	}
	return o, nil
}

// Verifier returns a consumer.Verifier of the flags' trust root and
// nodes, or nil and no error when no trust root was given. A bad flag is
// an error of consumer.PartTrust.
func (f *Flags) Verifier(gateway string) (*consumer.Verifier, error) {
	if !f.Given() {
		return nil, nil
	}
	o, err := f.Options(gateway)
	if err != nil {
		return nil, &consumer.Error{Part: consumer.PartTrust, Msg: err.Error()}
	}
	return consumer.NewVerifier(o)
}
