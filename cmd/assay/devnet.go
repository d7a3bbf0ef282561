package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/examples/jsonfields/module"
	"github.com/assaynet/assay/internal/devnet"
	"github.com/assaynet/assay/runtime/sandbox"
)

func init() {
	register(command{name: "devnet", summary: "the one-command demo: validators in one process, example sources, a faulty node, a live view", run: runDevnet})
}

// devnetOptions configure a devnet run.
type devnetOptions struct {
	Validators int
	Blocks     uint64        // stop at this height (0: no limit)
	Duration   time.Duration // stop after this long (0: no limit)
	Summary    string        // write the summary JSON here on exit
	Headless   bool
	Dir        string // node homes; "" = a temp dir removed on exit
	BasePort   int
	Code       string // validator .wasm
	Params     string // its params file
	Symbols    []string
	Every      uint64
	Replicas   uint32
	Fault      string        // fault of the last validator
	CacheDir   string        // compiled-code cache shared across runs
	Jobs       int           // worker concurrency per node
	Windows    string        // genesis params: commit/reveal windows and jail
	BlockTime  time.Duration // CometBFT timeout_commit
	// Spread registers the sources over Every consecutive blocks, so
	// their rounds open evenly spread over the blocks instead of all in
	// one block every Every blocks.
	Spread bool
	// CPUProfile, when set, is where a CPU profile of the whole run goes.
	CPUProfile string
	// until, when set, ends the run as soon as it reports true.
	until func(*summary) bool
}

func runDevnet(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay devnet", stderr)
	o := devnetOptions{}
	intVar(fs, &o.Validators, "validators", 4, 1, maxNodesFlag, "validators in the process")
	uintVar(fs, &o.Blocks, "blocks", 0, 0, maxHeightFlag, "stop at this height (0: run until Ctrl-C)")
	durationVar(fs, &o.Duration, "duration", 0, 0, maxDurationFlag, "stop after this long (0: run until Ctrl-C)")
	fs.StringVar(&o.Summary, "summary-json", "", "write a JSON summary to FILE on exit")
	fs.BoolVar(&o.Headless, "headless", false, "print progress lines instead of the live view")
	fs.StringVar(&o.Dir, "dir", "", "keep the node homes in DIR (default: a temp dir, removed on exit)")
	intVar(fs, &o.BasePort, "base-port", 26700, 1, maxBasePort, "node i uses base-port+10i .. +3")
	fs.StringVar(&o.Code, "code", builtinExample, "validator program of the example sources: a .wasm file, or "+builtinExample+" (examples/jsonfields, built into assay)")
	fs.StringVar(&o.Params, "params", builtinExample, "params of the example sources: a file, \"\" for none, or "+builtinExample+" (its ticker fields)")
	symbols := fs.String("symbols", "BTC-USD,ETH-USD", "one source per symbol, served by the mock exchange")
	var nsources int
	intVar(fs, &nsources, "sources", 0, 0, 100_000, "instead of --symbols, N generated sources (load tests)")
	uintVar(fs, &o.Every, "every", 2, 1, 1<<20, "blocks between rounds of each source")
	uintVar(fs, &o.Replicas, "k", 3, 1, maxReplicasFlag, "replicas per round")
	fs.StringVar(&o.Fault, "fault", "wrong-output", "fault of the last validator (\"\" for none)")
	fs.StringVar(&o.CacheDir, "cache-dir", defaultCacheDir(), "compiled validator cache, kept across runs")
	intVar(fs, &o.Jobs, "concurrency", 8, 1, 4096, "validator jobs in flight per node")
	durationVar(fs, &o.BlockTime, "block-time", 500*time.Millisecond, 0, time.Hour, "CometBFT timeout_commit: the pause after each block (1s gives about one block per second)")
	fs.BoolVar(&o.Spread, "spread", true, "register the sources over --every blocks so their rounds spread evenly (false: all in one block)")
	fs.StringVar(&o.CPUProfile, "cpu-profile", "", "write a CPU profile of the run to FILE (go tool pprof)")
	fs.StringVar(&o.Windows, "genesis-params", `{"commit_window":"4","reveal_window":"4","jail_blocks":"100"}`, "genesis params JSON")
	if parseArgs(fs, args) != nil || !noArgs(fs) {
		return 2
	}
	if err := checkNet(o.Validators, o.BasePort, 100, false); err != nil {
		fmt.Fprintf(stderr, "assay devnet: %v\n", err)
		return 2
	}
	o.Symbols = strings.Split(*symbols, ",")
	if nsources > 0 {
		o.Symbols = o.Symbols[:0]
		for i := 0; i < nsources; i++ {
			o.Symbols = append(o.Symbols, fmt.Sprintf("SYM%04d", i))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "assay devnet: cpu profile: %v\n", err)
			return 1
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	sum, err := devnetRun(ctx, o, stdout)
	if o.Summary != "" && sum != nil {
		if werr := writeSummary(o.Summary, sum); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay devnet: %v\n", err)
		return 1
	}
	return 0
}

func defaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "assay", "wasm-cache")
}

// builtinExample names the embedded example validator and its params
// (examples/jsonfields/module) in --code and --params: the devnet needs
// no checkout.
const builtinExample = "builtin:jsonfields"

// exampleFiles reads the validator program and params of the example
// sources: the embedded ones for builtinExample, else the files named
// ("" params: none).
func exampleFiles(code, params string) (wasm, p []byte, err error) {
	if code == builtinExample {
		wasm = module.Wasm
	} else if wasm, err = readFileLimit(code, maxCodeFileBytes, limitCode); err != nil {
		return nil, nil, fmt.Errorf("validator code: %w", err)
	}
	switch params {
	case builtinExample:
		p = module.Params
	case "":
	default:
		if p, err = readFileLimit(params, maxParamsFileBytes, limitParams); err != nil {
			return nil, nil, fmt.Errorf("validator params: %w", err)
		}
	}
	return wasm, p, nil
}

// devnetRun runs the network until ctx ends or a limit is hit and
// returns the summary of what happened.
func devnetRun(ctx context.Context, o devnetOptions, stdout io.Writer) (*summary, error) {
	wasm, params, err := exampleFiles(o.Code, o.Params)
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
	net, err := devnet.Start(ctx, dir, devnet.Config{Validators: o.Validators, BasePort: o.BasePort, BlockTime: o.BlockTime,
		Fault: o.Fault, Jobs: o.Jobs, GenesisParams: o.Windows, CacheDir: o.CacheDir})
	if err != nil {
		return nil, err
	}
	defer net.Stop()
	// Compile once, ahead of the first round, while the chain starts.
	compiled := make(chan error, 1)
	go func() { _, err := net.Runtime.Store(ctx, wasm); compiled <- err }()
	if err := registerSources(ctx, net, wasm, params, o); err != nil {
		return nil, err
	}
	if err := <-compiled; err != nil {
		return nil, fmt.Errorf("compile validator: %w", err)
	}
	v := newView(net, o, stdout)
	return v.run(ctx)
}

// registerSources stores the code and registers one source per symbol,
// signed by a fresh owner key, through node 0.
func registerSources(ctx context.Context, d *devnet.Net, wasm, params []byte, o devnetOptions) error {
	_, owner, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	c := d.Nodes[0].RPC.Chain()
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := devnet.WaitHeight(wctx, d.Nodes[0], 1); err != nil {
		return err
	}
	codeCID, _, err := storeCode(wctx, c, owner, wasm)
	if err != nil {
		return fmt.Errorf("store code: %w", err)
	}
	txs := make([]*pb.TxBody, 0, len(o.Symbols))
	for _, sym := range o.Symbols {
		id := strings.ToLower(sym)
		spec := &pb.SourceSpec{
			Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: d.Exchange.URL + "/price/" + sym + "?height={{height}}"}}},
			CodeCid: codeCID, Params: params, Every: o.Every, Replicas: o.Replicas,
			GasLimit: 100_000_000, MaxOutputBytes: 65536, MemoryPages: sandbox.DefaultMaxMemoryPages,
		}
		txs = append(txs, tx.RegisterSourceBody(id, spec))
	}
	for _, group := range registrationGroups(txs, o) {
		// submitMany waits until its txs are in a block, so each group
		// lands in a later block than the one before.
		if err := submitRegistrations(wctx, d, owner, group); err != nil {
			return fmt.Errorf("register sources: %w", err)
		}
	}
	return nil
}

// registrationAttempts bounds how often submitRegistrations resends.
const registrationAttempts = 3

// submitRegistrations sends RegisterSource txs and, when some fail (a
// long pipelined run of one signer's txs can reach a proposer with a gap
// in its sequences), sends those not registered again with fresh
// sequences.
func submitRegistrations(ctx context.Context, d *devnet.Net, owner ed25519.PrivateKey, txs []*pb.TxBody) error {
	c := d.Nodes[0].RPC.Chain()
	var err error
	for attempt := 0; attempt < registrationAttempts && len(txs) > 0; attempt++ {
		if err = submitMany(ctx, c, owner, txs); err == nil {
			return nil
		}
		// Let the txs still in flight land or fail before looking.
		h, herr := d.Nodes[0].RPC.Height(ctx)
		if herr != nil {
			return errors.Join(err, herr)
		}
		if werr := devnet.WaitHeight(ctx, d.Nodes[0], h+2); werr != nil {
			return errors.Join(err, werr)
		}
		var missing []*pb.TxBody
		for _, t := range txs {
			id := t.GetRegisterSource().GetId()
			_, qerr := c.Source(ctx, id)
			switch {
			case errors.Is(qerr, state.ErrNotFound):
				missing = append(missing, t)
			case qerr != nil:
				return errors.Join(err, qerr)
			}
		}
		txs = missing
	}
	if len(txs) == 0 {
		return nil
	}
	return err
}

// registrationGroups splits the registration txs into o.Every groups of
// nearly equal size when o.Spread is set (one group otherwise): a source's
// rounds open at (H − start) mod every == 0, so sources registered in
// consecutive blocks open their rounds in different blocks.
func registrationGroups(txs []*pb.TxBody, o devnetOptions) [][]*pb.TxBody {
	n := 1
	if o.Spread && o.Every > 1 {
		n = int(min(o.Every, uint64(len(txs))))
	}
	groups := make([][]*pb.TxBody, 0, n)
	for i := 0; i < n; i++ {
		lo, hi := i*len(txs)/n, (i+1)*len(txs)/n
		groups = append(groups, txs[lo:hi])
	}
	return groups
}
