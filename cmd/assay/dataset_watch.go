package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// and prints each as it is agreed, reconnecting and resuming after a
// disconnect, until Ctrl-C or --count datasets.
func runDatasetWatch(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay dataset watch", stderr)
	api := fs.String("api", envOr("ASSAY_API", defaultAPI), "HTTP API of a node ($ASSAY_API)")
	after := fs.String("after", "", `start after this cursor: an earlier line's cursor (HEIGHT.ROUND), or HEIGHT ("0": every dataset); default: only new ones`)
	asJSON := fs.Bool("json", false, "print each dataset as the chain's JSON record, one per line")
	var count int
	cliflag.Int(fs, &count, "count", 0, 0, 1<<30, "exit after this many datasets (0: run until Ctrl-C)")
	if cliflag.Parse(fs, args) != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: assay dataset watch SOURCE [--api URL] [--after CURSOR] [--json] [--count N]")
		return 2
	}
	c, err := consumer.NewClient(*api)
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset watch: --api: %v\n", err)
		return 2
	}
	c = c.WithRetry(250*time.Millisecond, 5*time.Second).WithRetryHook(func(err error, after string) {
		fmt.Fprintf(stderr, "assay dataset watch: %v; reconnecting after %s\n", err, after)
	})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	n := 0
	err = c.Watch(ctx, fs.Arg(0), *after, func(ev consumer.WatchEvent) error {
		if err := printWatched(stdout, ev, *asJSON); err != nil {
			return err
		}
		if n++; count > 0 && n >= count {
			return errCountReached
		}
		return nil
	})
	switch {
	case errors.Is(err, errCountReached), errors.Is(err, context.Canceled):
		return 0
	default:
		fmt.Fprintf(stderr, "assay dataset watch: %v\n", err)
		return 1
	}
}

// printWatched prints one dataset: its JSON record, or a line of
// key=value pairs ending with the cursor to resume after it.
func printWatched(w io.Writer, ev consumer.WatchEvent, asJSON bool) error {
	d := ev.Dataset
	if asJSON {
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	_, err := fmt.Fprintf(w, "round=%d height=%d time=%s status=%s output=%s attesters=%d cursor=%s\n",
		d.Round, d.Height, d.Time, d.Status, d.OutputCID, len(d.Attesters), ev.Cursor)
	return err
}
