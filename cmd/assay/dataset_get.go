package main

import (
	"context"
	"os"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/internal/dataset"
	"github.com/assaynet/assay/internal/dataset/pinned"
	cid "github.com/ipfs/go-cid"
)

// runDatasetGet is `assay dataset get CID`: flags and output over
// package dataset.
func runDatasetGet(c *cmd, args []string) int {
	fs := c.fs
	gw := fs.String("gateway", envOr("ASSAY_GATEWAY", defaultGateway), "a node's gateway URL ($ASSAY_GATEWAY); when not given, the gateways announced on chain (--node) are tried after it")
	home := fs.String("home", "", "read from this node home's pin store instead of a gateway")
	out := fs.String("o", "", "write to FILE instead of stdout")
	car := fs.Bool("car", false, "fetch a CAR (trustless) instead of the plain bytes")
	vf := fs.Bool("verify", false, "prove on chain that CID is the output of --source's --round, trusting only --trust-height/--trust-hash or --genesis")
	src := fs.String("source", "", "with --verify: the source whose round's output is CID")
	var round uint64
	cliflag.Uint(fs, &round, "round", 0, 0, maxHeightFlag, "with --verify: that round")
	tf := addTrustFlags(fs)
	if !c.parse(args, 1, "usage: assay dataset get CID [-o FILE] [--car] [--gateway URL | --home DIR] [--verify --source S --round R (--trust-height H --trust-hash HEX | --genesis FILE) [--node ADDR[,WITNESS…]]]") {
		return 2
	}
	if *vf && (*home != "" || *car) {
		return c.failf(2, "--verify reads plain bytes from --gateway: not with --home or --car")
	}
	if *home != "" && cliflag.IsSet(fs, "gateway") {
		return c.failf(2, "use --home or --gateway, not both")
	}
	id, err := cid.Decode(fs.Arg(0))
	if err != nil {
		return c.failf(2, "bad CID %q: %v", fs.Arg(0), err)
	}
	if *vf {
		return getVerified(c, tf, *gw, *src, round, id.String(), *out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	var b []byte
	if *home != "" {
		b, err = pinned.FromHome(ctx, *home, id, *car, c.warn)
	} else if cliflag.IsSet(fs, "gateway") || os.Getenv("ASSAY_GATEWAY") != "" {
		b, err = dataset.FromGateway(ctx, *gw, id, *car)
	} else {
		b, err = fromAnnounced(ctx, *tf.Nodes, *gw, id, *car, c.warn)
	}
	if err == nil {
		err = writeOut(c.stdout, *out, b)
	}
	if err != nil {
		return c.fail(1, err)
	}
	return 0
}

// fromAnnounced tries gw, then every gateway announced on chain.
func fromAnnounced(ctx context.Context, nodes, gw string, id cid.Cid, car bool, note func(string)) ([]byte, error) {
	gws := []string{gw}
	if c, _, err := dial(ctx, nodes); err == nil {
		if gws, err = dataset.AnnouncedGateways(ctx, c, gw); err != nil {
			note("announced gateways: " + err.Error())
		}
	}
	return dataset.FromGateways(ctx, gws, id, car, note)
}
