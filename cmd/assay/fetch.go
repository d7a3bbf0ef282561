package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/assaynet/assay/internal/cliflag"
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
	roundTime, err := parseFetchTime(*at, time.Now)
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

// parseFetchTime reads RFC 3339 or unix seconds; empty means now,
// truncated to the second.
func parseFetchTime(s string, now func() time.Time) (time.Time, error) {
	if s == "" {
		return now().Truncate(time.Second), nil
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(sec, 0), nil
	}
	return time.Parse(time.RFC3339, s)
}
