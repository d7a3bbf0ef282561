package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/builtin"
	"github.com/assaynet/assay/plugins/sourcefile"
)

func init() {
	register(command{name: "fetch", summary: "fetch a source's input once, as a validator node would (size, CID, time)", run: runFetch})
}

// runFetch is `assay fetch --source FILE --height H [--time T]
// [--config assay.toml] [-o OUT]`: flags and output over
// builtin.FetchOnce.
func runFetch(c *cmd, args []string) int {
	var ff fetchFlags
	ff.register(c.fs)
	source := c.fs.String("source", "", "source definition file (.toml or .json)")
	var height int64
	cliflag.Int(c.fs, &height, "height", 0, 0, maxHeightFlag, "round height")
	at := c.fs.String("time", "", "round time: RFC 3339 or unix seconds (default: now)")
	out := c.fs.String("o", "", "write the fetched bytes to this file")
	if err := c.fs.Parse(args); err != nil {
		return cliflag.ExitCode(err)
	}
	if *source == "" || c.fs.NArg() > 0 {
		return c.usage("usage: assay fetch --source FILE --height H [--time T] [--config assay.toml] [-o OUT]")
	}
	roundTime, err := cliflag.RoundTime(*at, time.Now)
	if err != nil {
		return c.failf(2, "--time: %v", err)
	}
	sf, err := sourcefile.Load(*source)
	if err != nil {
		return c.fail(1, err)
	}
	fileRoot := ""
	if ff.config == "" {
		fileRoot = filepath.Dir(*source) // without a node config, "file" reads beside the source file
	}
	m, err := ff.manager(fileRoot, c.stderr)
	if err != nil {
		return c.fail(1, err)
	}
	defer m.Close()
	rep, err := builtin.FetchOnce(context.Background(), m, sf, height, roundTime)
	if rep.Config != "" {
		fmt.Fprintf(c.stdout, "config  %.300s\n", rep.Config) // what the fetcher receives
	}
	if err == nil && *out != "" {
		err = os.WriteFile(*out, rep.Data, 0o644)
	}
	if err != nil {
		return c.fail(1, err)
	}
	rep.WriteText(c.stdout)
	return 0
}

func init() {
	register(command{name: "plugin", summary: "operator fetcher plugins: list", subs: []command{
		{name: "list", summary: "start the configured plugins and list their kinds and status", run: runPluginList},
	}})
}

// fetchFlags are the flags shared by `plugin list` and `fetch`.
type fetchFlags struct {
	config  string
	verbose bool
}

func (f *fetchFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "assay.toml with [fetch] and [[plugins]] tables")
	fs.BoolVar(&f.verbose, "v", false, "log plugin and manager debug messages to stderr")
}

// manager builds the fetch Manager from the flags, as the node does.
func (f *fetchFlags) manager(fileRoot string, stderr io.Writer) (*plugins.Manager, error) {
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	return builtin.LoadManager(f.config, fileRoot, log)
}

// runPluginList is `assay plugin list [--config assay.toml]`. It exits 1
// when a plugin fails to start.
func runPluginList(c *cmd, args []string) int {
	var ff fetchFlags
	ff.register(c.fs)
	if err := c.fs.Parse(args); err != nil || !cliflag.NoArgs(c.fs) {
		return cliflag.ExitCode(err)
	}
	m, err := ff.manager("", c.stderr)
	if err != nil {
		return c.fail(1, err)
	}
	defer m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	startErr := m.StartAll(ctx)
	m.WriteStatus(c.stdout)
	if startErr != nil {
		return 1
	}
	return 0
}
