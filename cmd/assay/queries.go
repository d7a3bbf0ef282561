package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/cliflag"
)

func init() {
	register(command{name: "source", summary: "data sources: register, update, retire, simulate, list, show", subs: []command{
		{name: "register", summary: "register a source described in TOML or JSON (stores its code if needed)",
			run: txCmd{nargs: 1, usage: "FILE.toml|FILE.json", timeout: 2 * clientTimeout, send: registerSource}.run},
		{name: "update", summary: "replace your source's spec with a TOML or JSON file's (open rounds keep theirs)",
			run: txCmd{nargs: 1, usage: "FILE.toml|FILE.json", timeout: 2 * clientTimeout, send: updateSource}.run},
		{name: "retire", summary: "retire your source: no new rounds (open rounds finish)", run: txCmd{nargs: 1, usage: "ID", send: retireSource}.run},
		{name: "simulate", summary: "fetch once and run the validator program as the chain would, without a chain", run: runSourceSimulate},
		{name: "list", summary: "list registered sources by id, a page at a time", run: queryCmd{list: cliflag.Paging,
			path: func(_ []string, lo state.ListOptions) (string, error) { return state.PathSourcesPage(lo), nil }}.run},
		{name: "show", summary: "show one source", run: queryCmd{nargs: 1, usage: "ID",
			path: func(a []string, _ state.ListOptions) (string, error) { return state.PathSource(a[0]), nil }}.run},
	}})
	register(command{name: "round", summary: "rounds: show SOURCE HEIGHT, list SOURCE", subs: []command{
		{name: "show", summary: "show a round's assignees, commits, reveals and outcome", run: queryCmd{nargs: 2, usage: "SOURCE HEIGHT", path: roundPath}.run},
		{name: "list", summary: "list a source's rounds, newest first, a page at a time", run: queryCmd{nargs: 1, usage: "SOURCE", list: cliflag.Paging | cliflag.Rounds,
			path: func(a []string, lo state.ListOptions) (string, error) { return state.PathRounds(a[0], lo), nil }}.run},
	}})
	register(command{name: "validators", summary: "list validators: stake, power, jail, misses", run: queryCmd{
		path: func([]string, state.ListOptions) (string, error) { return state.PathValidators, nil }}.run})
	register(command{name: "evidence", summary: "list penalty evidence recorded on chain, newest first", run: queryCmd{list: cliflag.Paging | cliflag.Heights,
		path: func(_ []string, lo state.ListOptions) (string, error) { return state.PathEvidencePage(lo), nil }}.run})
}

// queryCmd describes one query command.
type queryCmd struct {
	nargs int    // positional arguments
	usage string // their names
	list  int    // list flag sets (cliflag.Paging, …)
	// text prints the answer for people; nil prints indented JSON.
	text func(w io.Writer, answer []byte) error
	// filter, when set, rewrites the answer before it is printed.
	filter func([]byte) ([]byte, error)
	// path is the query path of the positional args and list flags.
	path func(args []string, lo state.ListOptions) (string, error)
}

// run runs one ABCI query built from the positional args and list
// flags, and prints its answer: with --json the chain's JSON as it is,
// else through q.text or indented.
func (q queryCmd) run(c *cmd, args []string) int {
	cf := addClientFlags(c.fs, false)
	asJSON := c.fs.Bool("json", false, "print the chain's JSON answer unchanged")
	var height int64
	cliflag.Int(c.fs, &height, "height", 0, 0, maxHeightFlag, "read the state committed at this height, 0 the last (a node holds the last 1000)")
	lo := cliflag.ListFlags(c.fs, q.list)
	if !c.parse(args, q.nargs, fmt.Sprintf("usage: %s %s [--node ADDR[,ADDR…]] [--height H] [--json]", c.name, q.usage)) {
		return 2
	}
	if q.list&cliflag.Paging != 0 && lo.Limit == state.DefaultLimit {
		lo.Limit = 0 // the chain's default: keep the path short
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	client, addr, err := dial(ctx, *cf.node)
	if err != nil {
		return c.fail(1, err)
	}
	p, err := q.path(c.fs.Args(), *lo)
	if err != nil {
		return c.fail(1, err)
	}
	b, _, err := client.QueryAt(ctx, p, uint64(height))
	if err != nil {
		return c.fail(1, chain.RPCError(addr, err))
	}
	if q.filter != nil {
		if b, err = q.filter(b); err != nil {
			return c.fail(1, err)
		}
	}
	switch {
	case *asJSON:
		_, err = fmt.Fprintf(c.stdout, "%s\n", b)
	case q.text != nil:
		err = q.text(c.stdout, b)
	default:
		err = printJSON(c.stdout, b)
	}
	if err != nil {
		return c.fail(1, err)
	}
	return 0
}

// roundPath is the path of round a[1] (a height) of source a[0].
func roundPath(a []string, _ state.ListOptions) (string, error) {
	h, err := strconv.ParseUint(a[1], 10, 64)
	if err != nil {
		return "", fmt.Errorf("height %q is not a block height", a[1])
	}
	return state.PathRound(a[0], h), nil
}

// dropWasm removes the module bytes from a code view.
func dropWasm(b []byte) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "wasm")
	return json.Marshal(m)
}
