package devnet

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// RunOptions configure Run: the network, the example sources and when
// to stop.
type RunOptions struct {
	Config
	Sources
	// Dir holds the node homes; "" = a temp dir removed on return.
	Dir string
	// Code is the example sources' validator program (a .wasm file or
	// Builtin), Params its params (a file, "" for none, or Builtin).
	Code, Params string
	Blocks       uint64        // stop at this height (0: no limit)
	Duration     time.Duration // stop after this long (0: no limit)
	// Headless prints a progress line every 5 s instead of the live view.
	Headless bool
	// Until, when set, ends the run as soon as it reports true.
	Until func(*Summary) bool
}

// Run starts a devnet, registers the example sources and shows its
// progress on out until ctx ends or a limit of o is reached; it returns
// the last summary. The network is stopped before Run returns.
func Run(ctx context.Context, o RunOptions, out io.Writer) (*Summary, error) {
	wasm, params, err := ExampleFiles(o.Code, o.Params)
	if err != nil {
		return nil, err
	}
	dir := o.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "assay-devnet-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	}
	net, err := Start(ctx, dir, o.Config)
	if err != nil {
		return nil, err
	}
	defer net.Stop()
	// Compile once, ahead of the first round, while the chain starts.
	compiled := make(chan error, 1)
	go func() { _, err := net.Runtime.Store(ctx, wasm); compiled <- err }()
	if err := RegisterSources(ctx, net, wasm, params, o.Sources); err != nil {
		return nil, err
	}
	if err := <-compiled; err != nil {
		return nil, fmt.Errorf("compile validator: %w", err)
	}
	v := &view{net: net, o: o, out: out, mon: NewMonitor(net)}
	return v.run(ctx)
}

// view refreshes a Monitor's summary and shows it.
type view struct {
	net *Net
	o   RunOptions
	out io.Writer
	mon *Monitor
	// verifyShown: the headless progress printed the verify command.
	verifyShown bool
}

// run refreshes until ctx ends or a limit is reached and returns the
// final summary.
func (v *view) run(ctx context.Context) (*Summary, error) {
	var deadline <-chan time.Time
	if v.o.Duration > 0 {
		deadline = time.After(v.o.Duration - time.Since(v.net.Started))
	}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	var last *Summary
	lastLine := time.Time{}
	for {
		s, err := v.mon.Collect(ctx)
		if err == nil {
			last = s
			v.show(s, &lastLine)
			if v.o.Blocks > 0 && s.Blocks >= v.o.Blocks || v.o.Until != nil && v.o.Until(s) {
				return last, nil
			}
		}
		select {
		case <-ctx.Done():
			return last, nil
		case <-deadline:
			return last, nil
		case <-tick.C:
		}
	}
}
