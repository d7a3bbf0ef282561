package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/node"
)

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
		line := ev.String()
		if *asJSON {
			b, err := json.Marshal(ev.Dataset)
			if err != nil {
				return err
			}
			line = string(b)
		}
		if _, err := fmt.Fprintln(c.stdout, line); err != nil {
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
