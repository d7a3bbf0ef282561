package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/internal/dataset"
	"github.com/assaynet/assay/internal/replay"
	"github.com/assaynet/assay/internal/trustroot"
	"github.com/assaynet/assay/node"
	"github.com/assaynet/assay/runtime/sandbox"
)

// The dataset commands: queries of the chain's records, get
// (dataset_get.go), verify, replay and watch.
func init() {
	register(command{name: "dataset", summary: "datasets: latest SOURCE, list SOURCE, get CID, verify SOURCE ROUND, replay SOURCE ROUND", subs: []command{
		{name: "latest", summary: "show a source's dataset of the highest round", run: queryCmd{nargs: 1, usage: "SOURCE [--status S]", list: cliflag.Status, text: datasetsText(false),
			path: func(a []string, lo state.ListOptions) (string, error) {
				return state.PathLatestDataset(a[0], lo.Status), nil
			}}.run},
		{name: "list", summary: "list a source's datasets, newest first, a page at a time", run: queryCmd{nargs: 1,
			usage: "SOURCE [--limit N] [--cursor C] [--from R] [--to R] [--from-height H] [--to-height H] [--status S]",
			list:  cliflag.Paging | cliflag.Rounds | cliflag.Heights | cliflag.Status, text: datasetsText(true),
			path: func(a []string, lo state.ListOptions) (string, error) { return state.PathDatasets(a[0], lo), nil }}.run},
		{name: "watch", summary: "follow a source's new datasets over a node's HTTP API, resuming after disconnects", run: runDatasetWatch},
		{name: "get", summary: "fetch a dataset's bytes (or CAR) from a node's gateway, checking its CID", run: runDatasetGet},
		{name: "verify", summary: "prove a dataset (and its bytes) from a trust root, trusting no node", run: runDatasetVerify},
		{name: "replay", summary: "re-run a round's validator program on its pinned input and compare with the agreed dataset", run: runDatasetReplay},
	}})
}

// datasetsText prints a dataset (page) as consumer.WriteDatasets'
// table.
func datasetsText(page bool) func(io.Writer, []byte) error {
	return func(w io.Writer, b []byte) error {
		if page {
			p, err := state.Decode[state.Page[state.DatasetView]](b)
			if err != nil {
				return err
			}
			return consumer.WriteDatasets(w, p)
		}
		d, err := state.Decode[state.DatasetView](b)
		if err != nil {
			return err
		}
		return consumer.WriteDatasets(w, state.Page[state.DatasetView]{Items: []state.DatasetView{d}})
	}
}

// addTrustFlags defines --node and the trust-root flags (shared by
// dataset verify, get --verify and replay).
func addTrustFlags(fs *flag.FlagSet) *trustroot.Flags {
	return trustroot.Add(fs, addClientFlags(fs, false).node)
}

// runDatasetVerify is `assay dataset verify SOURCE ROUND`: flags and
// output over consumer.Verifier; exit codes trustroot.Exit*.
func runDatasetVerify(c *cmd, args []string) int {
	tf := addTrustFlags(c.fs)
	gw := c.fs.String("gateway", "", "also download the output from this (untrusted) gateway URL and check it")
	out := c.fs.String("o", "", "with --gateway, write the verified bytes to FILE")
	asJSON := c.fs.Bool("json", false, "print the result as JSON")
	const use = "usage: assay dataset verify SOURCE ROUND (--trust-height H --trust-hash HEX | --genesis FILE) [--node ADDR[,WITNESS…]] [--gateway URL [-o FILE]] [--json]"
	if !c.parse(args, 2, use) {
		return trustroot.ExitUsage
	}
	round, err := strconv.ParseUint(c.fs.Arg(1), 10, 64)
	if err != nil {
		return c.failf(trustroot.ExitUsage, "round %q is not a number\n%s", c.fs.Arg(1), use)
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	d, code := tf.Verify(ctx, *gw, c.fs.Arg(0), round, "", *asJSON, c.stdout, c.stderr)
	if code == trustroot.ExitVerified && *out != "" && d.Bytes != nil {
		if err := dataset.WriteFile(*out, d.Bytes); err != nil {
			return c.fail(trustroot.ExitUnavailable, err)
		}
	}
	return code
}

// getVerified is `assay dataset get CID --verify`: the bytes of CID from
// the gateway, proven to be the output of source's round. It writes them
// to out (stdout when "") and what it verified to stderr.
func getVerified(c *cmd, tf *trustroot.Flags, gateway, source string, round uint64, id, out string) int {
	if source == "" || round == 0 {
		return c.failf(trustroot.ExitUsage, "--verify needs --source and --round: the dataset whose proven output is CID")
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	d, code := tf.Verify(ctx, gateway, source, round, id, false, c.stderr, c.stderr)
	if code != trustroot.ExitVerified {
		return code
	}
	if err := writeOut(c.stdout, out, d.Bytes); err != nil {
		return c.fail(trustroot.ExitUnavailable, err)
	}
	return trustroot.ExitVerified
}

// writeOut writes b to the file out, or to stdout when out is "".
func writeOut(stdout io.Writer, out string, b []byte) error {
	if out == "" {
		_, err := stdout.Write(b)
		return err
	}
	return dataset.WriteFile(out, b)
}

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
	v, err := tf.Verifier("") // nil without a trust root: records trusted from the node
	var recs replay.Records
	if err == nil {
		recs, err = replay.Open(ctx, v, *tf.Nodes)
	}
	var rep replay.Report
	if err == nil {
		rep, err = replay.Replay(ctx, recs, replay.Gateway(cliflag.List(*gw)...), source, round, replay.Options{Engine: eng})
	}
	return replay.Print(c.stdout, source, round, rep, err, *asJSON)
}

// defaultAPI is the HTTP API of a node that `assay init` wrote.
const defaultAPI = "http://" + node.DefaultAPIListen

// errCountReached ends a watch after --count datasets.
var errCountReached = errors.New("count reached")

// runDatasetWatch is `assay dataset watch SOURCE`: it follows the node's
// stream of the source's datasets (GET /api/v1/sources/{id}/datasets/stream)
// and prints each as it is agreed (its JSON record, or consumer.WatchEvent's
// line), reconnecting and resuming after a disconnect, until Ctrl-C or
// --count datasets.
func runDatasetWatch(c *cmd, args []string) int {
	api := c.fs.String("api", envOr("ASSAY_API", defaultAPI), "HTTP API of a node ($ASSAY_API)")
	after := c.fs.String("after", "", `start after this cursor: an earlier line's cursor (HEIGHT.ROUND), or HEIGHT ("0": every dataset); default: only new ones`)
	asJSON := c.fs.Bool("json", false, "print each dataset as the chain's JSON record, one per line")
	var count int
	cliflag.Int(c.fs, &count, "count", 0, 0, 1<<30, "exit after this many datasets (0: run until Ctrl-C)")
	if !c.parse(args, 1, "usage: assay dataset watch SOURCE [--api URL] [--after CURSOR] [--json] [--count N]") {
		return 2
	}
	client, err := consumer.NewClient(*api)
	if err != nil {
		return c.failf(2, "--api: %v", err)
	}
	client = client.WithRetry(250*time.Millisecond, 5*time.Second).WithRetryHook(func(err error, after string) {
		c.warn(fmt.Sprintf("%v; reconnecting after %s", err, after))
	})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	n := 0
	err = client.Watch(ctx, c.fs.Arg(0), *after, func(ev consumer.WatchEvent) error {
		if err := ev.Write(c.stdout, *asJSON); err != nil {
			return err
		}
		if n++; count > 0 && n >= count {
			return errCountReached
		}
		return nil
	})
	if errors.Is(err, errCountReached) || errors.Is(err, context.Canceled) {
		return 0
	}
	return c.fail(1, err)
}
