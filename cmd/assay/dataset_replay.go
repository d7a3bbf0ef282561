package main

import (
	"context"
	"strconv"

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
func runDatasetReplay(c *cmd, args []string) int {
	const usage = "usage: assay dataset replay SOURCE ROUND [--trust-height H --trust-hash HEX | --genesis FILE] [--node ADDR[,ADDR…]] [--gateway URL[,URL…]] [--engine compiler|interpreter] [--json]"
	tf := addTrustFlags(c.fs)
	gw := c.fs.String("gateway", envOr("ASSAY_GATEWAY", defaultGateway), "gateways to fetch the inputs from, comma-separated, tried in order; untrusted: the bytes are checked against the input CID ($ASSAY_GATEWAY)")
	engine := c.fs.String("engine", "compiler", "the engine to replay on: compiler or interpreter")
	asJSON := c.fs.Bool("json", false, "print the outcome as one JSON line")
	if !c.parse(args, 2, usage) {
		return replay.ExitCannotRun
	}
	eng, ok := sandbox.ParseEngine(*engine)
	if !ok {
		return c.failf(replay.ExitCannotRun, "--engine %q is not compiler or interpreter\n%s", *engine, usage)
	}
	round, err := strconv.ParseUint(c.fs.Arg(1), 10, 64)
	if err != nil || round == 0 || round > maxHeightFlag {
		return c.failf(replay.ExitCannotRun, "round %q is not a block height (1..%d)\n%s", c.fs.Arg(1), uint64(maxHeightFlag), usage)
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	source := c.fs.Arg(0)
	var recs replay.Records // proven with a trust root, else trusted from the first node that answers
	v, err := tf.Verifier("")
	if v != nil {
		recs = v.Records()
	} else if err == nil {
		client, addr, derr := dial(ctx, *tf.Nodes)
		recs, err = replay.FromChain(client, addr), derr
	}
	var rep replay.Report
	if err == nil {
		rep, err = replay.Replay(ctx, recs, replay.Gateway(cliflag.List(*gw)...), source, round, replay.Options{Engine: eng})
	}
	return replay.Print(c.stdout, source, round, rep, err, *asJSON)
}
