package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/cliflag"
)

func init() {
	register(command{name: "source", summary: "data sources: register, update, retire, simulate, list, show", run: group("assay source", []command{
		{name: "register", summary: "register a source described in TOML or JSON (stores its code if needed)", run: runSourceRegister},
		{name: "update", summary: "replace your source's spec with a TOML or JSON file's (open rounds keep theirs)", run: runSourceUpdate},
		{name: "retire", summary: "retire your source: no new rounds (open rounds finish)", run: runSourceRetire},
		{name: "simulate", summary: "fetch once and run the validator program as the chain would, without a chain", run: runSourceSimulate},
		{name: "list", summary: "list registered sources by id, a page at a time", run: func(a []string, o, e io.Writer) int {
			return runQuery(queryCmd{name: "assay source list", list: listPaging}, a, o, e, func(_ []string, lo state.ListOptions) (string, error) {
				return state.PathSourcesPage(lo), nil
			})
		}},
		{name: "show", summary: "show one source", run: func(a []string, o, e io.Writer) int {
			return runQuery(queryCmd{name: "assay source show", nargs: 1, usage: "ID"}, a, o, e, func(a []string, _ state.ListOptions) (string, error) {
				return state.PathSource(a[0]), nil
			})
		}},
	})})
	register(command{name: "round", summary: "rounds: show SOURCE HEIGHT, list SOURCE", run: group("assay round", []command{
		{name: "show", summary: "show a round's assignees, commits, reveals and outcome", run: runRoundShow},
		{name: "list", summary: "list a source's rounds, newest first, a page at a time", run: func(a []string, o, e io.Writer) int {
			return runQuery(queryCmd{name: "assay round list", nargs: 1, usage: "SOURCE", list: listPaging | listRounds}, a, o, e,
				func(a []string, lo state.ListOptions) (string, error) { return state.PathRounds(a[0], lo), nil })
		}},
	})})
	register(command{name: "dataset", summary: "datasets: latest SOURCE, list SOURCE, get CID, verify SOURCE ROUND, replay SOURCE ROUND", run: group("assay dataset", []command{
		{name: "latest", summary: "show a source's dataset of the highest round", run: runDatasetLatest},
		{name: "list", summary: "list a source's datasets, newest first, a page at a time", run: runDatasetList},
		{name: "watch", summary: "follow a source's new datasets over a node's HTTP API, resuming after disconnects", run: runDatasetWatch},
		{name: "get", summary: "fetch a dataset's bytes (or CAR) from a node's gateway, checking its CID", run: runDatasetGet},
		{name: "verify", summary: "prove a dataset (and its bytes) from a trust root, trusting no node", run: runDatasetVerify},
		{name: "replay", summary: "re-run a round's validator program on its pinned input and compare with the agreed dataset", run: runDatasetReplay},
	})})
	register(command{name: "validators", summary: "list validators: stake, power, jail, misses", run: func(a []string, o, e io.Writer) int {
		return runQuery(queryCmd{name: "assay validators"}, a, o, e, func([]string, state.ListOptions) (string, error) { return state.PathValidators, nil })
	}})
	register(command{name: "evidence", summary: "list penalty evidence recorded on chain, newest first", run: func(a []string, o, e io.Writer) int {
		return runQuery(queryCmd{name: "assay evidence", list: listPaging | listHeights}, a, o, e, func(_ []string, lo state.ListOptions) (string, error) {
			return state.PathEvidencePage(lo), nil
		})
	}})
}

// List flag sets a query command takes.
const (
	listPaging  = 1 << iota // --limit, --cursor
	listRounds              // --from, --to
	listHeights             // --from-height, --to-height
	listStatus              // --status
)

// queryCmd describes one query command.
type queryCmd struct {
	name  string
	nargs int    // positional arguments
	usage string // their names
	list  int    // list flag sets
	// text prints the answer for people; nil prints indented JSON.
	text func(w io.Writer, answer []byte) error
	// filter, when set, rewrites the answer before it is printed.
	filter func([]byte) ([]byte, error)
}

// addListFlags adds the list flags of sets to fs.
func addListFlags(fs *flag.FlagSet, sets int) *state.ListOptions {
	o := &state.ListOptions{}
	if sets&listPaging != 0 {
		cliflag.Int(fs, &o.Limit, "limit", state.DefaultLimit, 1, state.MaxLimit, "items per page")
		fs.StringVar(&o.Cursor, "cursor", "", "the next cursor of a previous page")
	}
	if sets&listRounds != 0 {
		cliflag.Uint(fs, &o.From, "from", 0, 0, maxHeightFlag, "first round")
		cliflag.Uint(fs, &o.To, "to", 0, 0, maxHeightFlag, "last round (0: no bound)")
	}
	if sets&listHeights != 0 {
		cliflag.Uint(fs, &o.FromHeight, "from-height", 0, 0, maxHeightFlag, "first resolving (evidence: recording) height")
		cliflag.Uint(fs, &o.ToHeight, "to-height", 0, 0, maxHeightFlag, "last such height (0: no bound)")
	}
	if sets&listStatus != 0 {
		fs.StringVar(&o.Status, "status", "", "only datasets of this status: ACCEPTED, REJECTED, …")
	}
	return o
}

// runQuery runs one ABCI query built from the positional args and list
// flags, and prints its answer: with --json the chain's JSON as it is,
// else through q.text or indented.
func runQuery(q queryCmd, args []string, stdout, stderr io.Writer, path func([]string, state.ListOptions) (string, error)) int {
	fs := newFlags(q.name, stderr)
	cf := addClientFlags(fs, false)
	asJSON := fs.Bool("json", false, "print the chain's JSON answer unchanged")
	lo := addListFlags(fs, q.list)
	if cliflag.Parse(fs, args) != nil || fs.NArg() != q.nargs {
		fmt.Fprintf(stderr, "usage: %s %s [--node ADDR[,ADDR…]] [--json]\n", q.name, q.usage)
		return 2
	}
	if q.list&listPaging != 0 && lo.Limit == state.DefaultLimit {
		lo.Limit = 0 // the chain's default: keep the path short
	}
	err := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
		defer cancel()
		c, addr, err := dial(ctx, *cf.node)
		if err != nil {
			return err
		}
		p, err := path(fs.Args(), *lo)
		if err != nil {
			return err
		}
		b, _, err := c.Query(ctx, p)
		if err != nil {
			return chain.RPCError(addr, err)
		}
		if q.filter != nil {
			if b, err = q.filter(b); err != nil {
				return err
			}
		}
		switch {
		case *asJSON:
			_, err = fmt.Fprintf(stdout, "%s\n", b)
		case q.text != nil:
			err = q.text(stdout, b)
		default:
			err = printJSON(stdout, b)
		}
		return err
	}()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", q.name, err)
		return 1
	}
	return 0
}

func runRoundShow(args []string, stdout, stderr io.Writer) int {
	return runQuery(queryCmd{name: "assay round show", nargs: 2, usage: "SOURCE HEIGHT"}, args, stdout, stderr,
		func(a []string, _ state.ListOptions) (string, error) {
			h, err := strconv.ParseUint(a[1], 10, 64)
			if err != nil {
				return "", fmt.Errorf("height %q is not a block height", a[1])
			}
			return state.PathRound(a[0], h), nil
		})
}

func runDatasetLatest(args []string, stdout, stderr io.Writer) int {
	return runQuery(queryCmd{name: "assay dataset latest", nargs: 1, usage: "SOURCE [--status S]", list: listStatus, text: datasetsText(false)},
		args, stdout, stderr, func(a []string, lo state.ListOptions) (string, error) {
			return state.PathLatestDataset(a[0], lo.Status), nil
		})
}

func runDatasetList(args []string, stdout, stderr io.Writer) int {
	return runQuery(queryCmd{name: "assay dataset list", nargs: 1, usage: "SOURCE [--limit N] [--cursor C] [--from R] [--to R] [--from-height H] [--to-height H] [--status S]",
		list: listPaging | listRounds | listHeights | listStatus, text: datasetsText(true)},
		args, stdout, stderr, func(a []string, lo state.ListOptions) (string, error) { return state.PathDatasets(a[0], lo), nil })
}

// datasetsText prints a dataset (page) as a table, one dataset a line,
// and a page's next cursor.
func datasetsText(page bool) func(io.Writer, []byte) error {
	return func(w io.Writer, b []byte) error {
		var p state.Page[state.DatasetView]
		var err error
		if page {
			p, err = state.Decode[state.Page[state.DatasetView]](b)
		} else {
			var d state.DatasetView
			d, err = state.Decode[state.DatasetView](b)
			p.Items = append(p.Items, d)
		}
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ROUND\tHEIGHT\tTIME\tSTATUS\tOUTPUT CID\tATTESTERS")
		for _, d := range p.Items {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%d\n", d.Round, d.Height, d.Time, d.Status, d.OutputCID, len(d.Attesters))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if p.Truncated {
			_, err = fmt.Fprintf(w, "more: --cursor %s\n", p.Next)
		}
		return err
	}
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
