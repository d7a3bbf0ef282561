package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"time"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/builtin"
)

func init() {
	register(command{name: "plugin", summary: "operator fetcher plugins: list", run: group([]command{
		{name: "list", summary: "start the configured plugins and list their kinds and status", run: runPluginList},
	})})
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
	if err := c.fs.Parse(args); err != nil {
		return cliflag.ExitCode(err)
	}
	if !noArgs(c.fs) {
		return 2
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
