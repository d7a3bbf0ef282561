package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/internal/replay"
	"github.com/assaynet/assay/runtime/sandbox"
)

// runDatasetReplay is `assay dataset replay SOURCE ROUND`: flags and
// output over package replay. With a trust root it replays from records
// proven against light-client verified headers (consumer.Records), else
// from records trusted from the node. Exit 0: the replay matches the
// dataset; 1: it does not (both sides printed); 2: it cannot run (or bad
// usage); 3: a record did not verify against the trust root.
func runDatasetReplay(args []string, stdout, stderr io.Writer) int {
	const usage = "usage: assay dataset replay SOURCE ROUND [--trust-height H --trust-hash HEX | --genesis FILE] [--node ADDR[,ADDR…]] [--gateway URL[,URL…]] [--engine compiler|interpreter] [--json]"
	fs := newFlags("assay dataset replay", stderr)
	tf := addTrustFlags(fs)
	gw := fs.String("gateway", envOr("ASSAY_GATEWAY", defaultGateway), "gateways to fetch the inputs from, comma-separated, tried in order; untrusted: the bytes are checked against the input CID ($ASSAY_GATEWAY)")
	engine := fs.String("engine", "compiler", "the engine to replay on: compiler or interpreter")
	asJSON := fs.Bool("json", false, "print the outcome as one JSON line")
	if cliflag.Parse(fs, args) != nil || fs.NArg() != 2 {
		fmt.Fprintln(stderr, usage)
		return replay.ExitCannotRun
	}
	eng, ok := sandbox.ParseEngine(*engine)
	if !ok {
		fmt.Fprintf(stderr, "assay dataset replay: --engine %q is not compiler or interpreter\n%s\n", *engine, usage)
		return replay.ExitCannotRun
	}
	round, err := strconv.ParseUint(fs.Arg(1), 10, 64)
	if err != nil || round == 0 || round > maxHeightFlag {
		fmt.Fprintf(stderr, "assay dataset replay: round %q is not a block height (1..%d)\n%s\n", fs.Arg(1), uint64(maxHeightFlag), usage)
		return replay.ExitCannotRun
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	source := fs.Arg(0)
	var recs replay.Records // proven with a trust root, else trusted from the first node that answers
	v, err := tf.Verifier("")
	if v != nil {
		recs = v.Records()
	} else if err == nil {
		c, addr, derr := dial(ctx, *tf.Nodes)
		recs, err = replay.FromChain(c, addr), derr
	}
	var rep replay.Report
	if err == nil {
		rep, err = replay.Replay(ctx, recs, replay.Gateway(gateways(*gw)...), source, round, replay.Options{Engine: eng})
	}
	return replay.Print(stdout, source, round, rep, err, *asJSON)
}

// gateways splits a --gateway list, dropping empty items.
func gateways(list string) []string {
	var out []string
	for _, u := range strings.Split(list, ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, u)
		}
	}
	return out
}
