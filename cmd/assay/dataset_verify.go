package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/internal/dataset"
	"github.com/assaynet/assay/internal/trustroot"
)

// Exit codes of `assay dataset verify` and `assay dataset get --verify`
// (docs/node.md).
const (
	exitVerified    = 0 // everything checked holds
	exitLie         = 1 // a header, proof, record or bytes did not verify
	exitUsage       = 2 // bad arguments or an unusable trust root
	exitUnavailable = 3 // a node or gateway did not answer: nothing shown false
	exitAbsent      = 4 // the chain proves there is no such dataset
)

// addTrustFlags defines --node and the trust-root flags (shared by
// dataset verify, get --verify and replay).
func addTrustFlags(fs *flag.FlagSet) *trustroot.Flags {
	return trustroot.Add(fs, addClientFlags(fs, false).node)
}

// exitFor maps a verification error to the documented exit code.
func exitFor(err error) int {
	switch consumer.PartOf(err) {
	case "":
		if err == nil {
			return exitVerified
		}
		return exitUnavailable
	case consumer.PartTrust:
		return exitUsage
	case consumer.PartUnavailable:
		return exitUnavailable
	case consumer.PartAbsent:
		return exitAbsent
	}
	return exitLie
}

// runDatasetVerify is `assay dataset verify SOURCE ROUND`: flags and
// output over consumer.Verifier.
func runDatasetVerify(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay dataset verify", stderr)
	tf := addTrustFlags(fs)
	gw := fs.String("gateway", "", "also download the output from this (untrusted) gateway URL and check it")
	out := fs.String("o", "", "with --gateway, write the verified bytes to FILE")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	const use = "usage: assay dataset verify SOURCE ROUND (--trust-height H --trust-hash HEX | --genesis FILE) [--node ADDR[,WITNESS…]] [--gateway URL [-o FILE]] [--json]"
	if cliflag.Parse(fs, args) != nil || fs.NArg() != 2 {
		fmt.Fprintln(stderr, use)
		return exitUsage
	}
	round, err := strconv.ParseUint(fs.Arg(1), 10, 64)
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset verify: round %q is not a number\n%s\n", fs.Arg(1), use)
		return exitUsage
	}
	d, code := verify(tf, *gw, fs.Arg(0), round, "", *asJSON, stdout, stderr)
	if code == exitVerified && *out != "" && d.Bytes != nil {
		if err := dataset.WriteFile(*out, d.Bytes); err != nil {
			fmt.Fprintf(stderr, "assay dataset verify: %v\n", err)
			return exitUnavailable
		}
	}
	return code
}

// verify runs one verification (of wantCID, when not "") and prints its
// outcome; it returns the dataset and the exit code.
func verify(tf *trustroot.Flags, gateway, source string, round uint64, wantCID string, asJSON bool, stdout, stderr io.Writer) (*consumer.Dataset, int) {
	o, err := tf.Options(gateway)
	var v *consumer.Verifier
	if err == nil {
		v, err = consumer.NewVerifier(o)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset verify: %v\n", err)
		return nil, exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	var d *consumer.Dataset
	if wantCID != "" {
		d, err = v.VerifyCID(ctx, source, round, wantCID)
	} else {
		d, err = v.Verify(ctx, source, round)
	}
	code := exitFor(err)
	if asJSON {
		res := struct {
			Verified bool              `json:"verified"`
			Part     consumer.Part     `json:"failed,omitempty"`
			Error    string            `json:"error,omitempty"`
			Dataset  *consumer.Dataset `json:"dataset,omitempty"`
		}{Verified: err == nil, Part: consumer.PartOf(err), Dataset: d}
		if err != nil {
			res.Error = err.Error()
		}
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset verify: NOT VERIFIED: %v\n", err)
		return d, code
	}
	if !asJSON {
		printVerified(stdout, d, o)
	}
	return d, exitVerified
}

// printVerified says what was checked, one fact a line.
func printVerified(w io.Writer, d *consumer.Dataset, o consumer.Options) {
	root := fmt.Sprintf("trust height %d", o.TrustHeight)
	if len(o.Genesis) > 0 {
		root = "the genesis validators' signatures on block 1"
	}
	fmt.Fprintf(w, "verified %s round %d: %s %s\n", d.Source, d.Round, d.Status, d.OutputCID)
	fmt.Fprintf(w, "  header  %d (%s) of chain %s, light-client verified from %s (%d node(s))\n",
		d.HeaderHeight, d.HeaderHash, d.ChainID, root, len(o.Nodes))
	fmt.Fprintf(w, "  proof   ics23:iavl of key %s against app hash %s (state after block %d)\n", d.Key, d.AppHash, d.StateHeight)
	fmt.Fprintf(w, "  record  resolved at height %d (%s), %d attester(s), gas %d\n", d.Height, d.Time, len(d.Attesters), d.GasUsed)
	if d.Bytes != nil {
		fmt.Fprintf(w, "  bytes   %d bytes from %s match %s\n", len(d.Bytes), d.Gateway, d.OutputCID)
	}
}

// getVerified is `assay dataset get CID --verify`: the bytes of CID from
// the gateway, proven to be the output of source's round. It writes them
// to out (stdout when "") and what it verified to stderr.
func getVerified(tf *trustroot.Flags, gateway, source string, round uint64, id, out string, stdout, stderr io.Writer) int {
	if source == "" || round == 0 {
		fmt.Fprintln(stderr, "assay dataset get: --verify needs --source and --round: the dataset whose proven output is CID")
		return exitUsage
	}
	d, code := verify(tf, gateway, source, round, id, false, stderr, stderr)
	if code != exitVerified {
		return code
	}
	var err error
	if out == "" {
		_, err = stdout.Write(d.Bytes)
	} else {
		err = dataset.WriteFile(out, d.Bytes)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset get: %v\n", err)
		return exitUnavailable
	}
	return exitVerified
}
