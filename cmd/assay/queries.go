package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/cliflag"
)

func init() {
	register(command{name: "source", summary: "data sources: register, list, show", run: group("assay source", []command{
		{name: "register", summary: "register a source described in TOML or JSON (stores its code if needed)", run: runSourceRegister},
		{name: "list", summary: "list registered sources", run: func(a []string, o, e io.Writer) int {
			return runQuery("assay source list", a, o, e, 0, "", constPath(state.PathSources), nil)
		}},
		{name: "show", summary: "show one source", run: func(a []string, o, e io.Writer) int {
			return runQuery("assay source show", a, o, e, 1, "ID", func(a []string) (string, error) { return state.PathSource(a[0]), nil }, nil)
		}},
	})})
	register(command{name: "round", summary: "rounds: show SOURCE HEIGHT", run: group("assay round", []command{
		{name: "show", summary: "show a round's assignees, commits, reveals and outcome", run: runRoundShow},
	})})
	register(command{name: "dataset", summary: "datasets: list SOURCE, get CID", run: group("assay dataset", []command{
		{name: "list", summary: "list a source's resolved datasets", run: func(a []string, o, e io.Writer) int {
			return runQuery("assay dataset list", a, o, e, 1, "SOURCE", func(a []string) (string, error) { return state.PathDatasets(a[0], 0, 0), nil }, nil)
		}},
		{name: "get", summary: "fetch a dataset's bytes (or CAR) from a node's gateway, checking its CID", run: runDatasetGet},
	})})
	register(command{name: "validators", summary: "list validators: stake, power, jail, misses", run: func(a []string, o, e io.Writer) int {
		return runQuery("assay validators", a, o, e, 0, "", constPath(state.PathValidators), nil)
	}})
	register(command{name: "evidence", summary: "list penalty evidence recorded on chain", run: func(a []string, o, e io.Writer) int {
		return runQuery("assay evidence", a, o, e, 0, "", constPath(state.PathEvidence), nil)
	}})
}

// runQuery runs one ABCI query built from the positional args and prints
// its JSON, through filter when set.
func runQuery(name string, args []string, stdout, stderr io.Writer, nargs int, usage string,
	path func([]string) (string, error), filter func([]byte) ([]byte, error)) int {
	fs := newFlags(name, stderr)
	cf := addClientFlags(fs, false)
	if cliflag.Parse(fs, args) != nil || fs.NArg() != nargs {
		fmt.Fprintf(stderr, "usage: %s %s [--node ADDR]\n", name, usage)
		return 2
	}
	c, err := dial(*cf.node)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	p, err := path(fs.Args())
	var b []byte
	if err == nil {
		if b, _, err = c.Query(ctx, p); err != nil {
			err = rpcErr(*cf.node, err)
		}
	}
	if err == nil && filter != nil {
		b, err = filter(b)
	}
	if err == nil {
		err = printJSON(stdout, b)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

func runRoundShow(args []string, stdout, stderr io.Writer) int {
	return runQuery("assay round show", args, stdout, stderr, 2, "SOURCE HEIGHT", func(a []string) (string, error) {
		h, err := strconv.ParseUint(a[1], 10, 64)
		if err != nil {
			return "", fmt.Errorf("height %q is not a block height", a[1])
		}
		return state.PathRound(a[0], h), nil
	}, nil)
}

// constPath is the path argument of runQuery for a query without args.
func constPath(p string) func([]string) (string, error) {
	return func([]string) (string, error) { return p, nil }
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
