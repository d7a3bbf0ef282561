package replica

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/ctxsleep"
	"github.com/assaynet/assay/runtime/pin"
)

// Defaults of Config.
const (
	DefaultConcurrency = 4
	DefaultTimeout     = 30 * time.Second
	DefaultAttempts    = 6
	DefaultMaxBytes    = 256 << 20
	// maxBackoff caps the wait between two attempts of one fetch.
	maxBackoff = 30 * time.Second
	// pollEvery is how often the Replicator looks for a new height.
	pollEvery = 200 * time.Millisecond
)

// Config is what a Replicator needs.
type Config struct {
	Chain *chain.Client
	Store *pin.Store
	// Host is the node's libp2p host; nil: gateways only.
	Host *Host
	// CursorFile keeps the height below which every dataset is done
	// (pinned or given up), so a restart resumes after it.
	CursorFile string
	// Inputs also replicates every dataset's input CIDs.
	Inputs bool
	// Concurrency is the number of fetches in flight (DefaultConcurrency
	// when 0).
	Concurrency int
	// Timeout bounds one attempt of one fetch (DefaultTimeout when 0).
	Timeout time.Duration
	// Attempts is how many times a fetch is tried, with doubling backoff
	// from 1 s (DefaultAttempts when 0).
	Attempts int
	// MaxBytes bounds a gateway's CAR answer (DefaultMaxBytes when 0).
	MaxBytes int64
	// HTTP is the gateway client (http.DefaultClient when nil).
	HTTP   *http.Client
	Logger *slog.Logger
	// OnDone, when set, is called after each dataset is done (pinned,
	// present or given up), with the error of one given up.
	OnDone func(d state.DatasetView, err error)
}

// Stats are a Replicator's counters.
type Stats struct {
	Fetched uint64 // CIDs fetched and pinned (bitswap or gateway)
	Gateway uint64 // of Fetched, those from a gateway
	Present uint64 // CIDs already pinned (attested by this node)
	Failed  uint64 // CIDs given up after every attempt
	Queue   int64  // CIDs waiting or in flight
	Cursor  uint64 // every dataset resolved at or below it is done
}

// Replicator fetches and pins every agreed dataset's output (and inputs
// by policy) that its node lacks. Run drives it.
type Replicator struct {
	cfg Config
	log *slog.Logger

	fetched, gateway, present, failed atomic.Uint64
	queue                             atomic.Int64
	cursor                            atomic.Uint64

	mu      sync.Mutex
	addrs   map[string]state.RetrievalView // operator hex → addresses
	pending map[string]uint64              // source/round → resolving height, queued or in flight
	scanned uint64                         // every dataset resolved at or below it is queued or done
	saved   uint64                         // the cursor last written
}

// queueSize bounds the datasets queued beyond those in flight: listing
// waits while the queue is full.
const queueSize = 1024

// New returns a Replicator; Run starts it.
func New(cfg Config) *Replicator {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Replicator{cfg: cfg, log: cfg.Logger, pending: map[string]uint64{}}
}

// Stats returns the counters.
func (r *Replicator) Stats() Stats {
	return Stats{Fetched: r.fetched.Load(), Gateway: r.gateway.Load(), Present: r.present.Load(),
		Failed: r.failed.Load(), Queue: r.queue.Load(), Cursor: r.cursor.Load()}
}

// Run follows the chain until ctx ends. At each new height it lists the
// datasets resolved since it last looked and queues them; Concurrency
// workers fetch what the node lacks. The cursor saved in CursorFile is
// the height below which every dataset is done (pinned, present or
// given up), so a restart lists again, and skips as pinned, whatever was
// queued or in flight at a crash: nothing is lost.
func (r *Replicator) Run(ctx context.Context) error {
	cur, err := r.loadCursor()
	if err != nil {
		return err
	}
	r.cursor.Store(cur)
	r.scanned, r.saved = cur, cur
	jobs := make(chan state.DatasetView, queueSize)
	var wg sync.WaitGroup
	for range r.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range jobs {
				r.work(ctx, d)
			}
		}()
	}
	defer wg.Wait()
	defer close(jobs)
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		if err := r.step(ctx, jobs); err != nil && ctx.Err() == nil {
			r.log.Warn("replicate", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// step queues every dataset resolved above the scanned height up to the
// current height.
func (r *Replicator) step(ctx context.Context, jobs chan<- state.DatasetView) error {
	h, err := r.appHeight(ctx)
	if errors.Is(err, chain.ErrCatchingUp) {
		return nil // the state is behind: look again once caught up
	}
	if err != nil {
		return err
	}
	from := r.scanned + 1
	if h < from {
		return nil
	}
	ds, err := r.datasets(ctx, from, h)
	if err != nil {
		return err
	}
	if len(ds) > 0 {
		if err := r.refreshAddrs(ctx); err != nil {
			r.log.Warn("replicate: read retrieval addresses", "err", err)
		}
	}
	for _, d := range ds {
		r.mu.Lock()
		r.pending[pendingKey(d)] = d.Height
		r.mu.Unlock()
		r.queue.Add(1)
		select {
		case jobs <- d:
		case <-ctx.Done():
			return ctx.Err() // the cursor stays below d: it is listed again after a restart
		}
	}
	r.mu.Lock()
	r.scanned = h
	r.mu.Unlock()
	return r.advance()
}

// appHeight returns the height of the app's committed state. The block
// store's height (/status) can be one ahead while the block is being
// applied: listing up to it would miss the datasets that block resolves,
// for good, since the next listing starts after it.
func (r *Replicator) appHeight(ctx context.Context) (uint64, error) {
	h, err := r.cfg.Chain.Height(ctx)
	if err != nil {
		return 0, err
	}
	_, qh, err := r.cfg.Chain.Query(ctx, state.PathParams)
	if err != nil {
		return 0, err
	}
	return min(h, qh), nil
}

func pendingKey(d state.DatasetView) string { return d.Source + "/" + strconv.FormatUint(d.Round, 10) }

// work replicates one dataset and moves the cursor.
func (r *Replicator) work(ctx context.Context, d state.DatasetView) {
	defer r.queue.Add(-1)
	if ctx.Err() != nil {
		return
	}
	start := time.Now()
	err := r.replicate(ctx, d)
	r.log.Debug("replicated", "source", d.Source, "round", d.Round, "took", time.Since(start), "err", err)
	if ctx.Err() != nil {
		return // not done: it stays pending, below the cursor
	}
	if err != nil {
		r.log.Warn("replicate: gave up", "source", d.Source, "round", d.Round, "err", err)
	}
	r.mu.Lock()
	delete(r.pending, pendingKey(d))
	r.mu.Unlock()
	if err := r.advance(); err != nil {
		r.log.Warn("replicate", "err", err)
	}
	if r.cfg.OnDone != nil {
		r.cfg.OnDone(d, err)
	}
}

// advance saves the cursor: just below the lowest pending dataset, or the
// scanned height when none is pending.
func (r *Replicator) advance() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.scanned
	for _, h := range r.pending {
		cur = min(cur, h-1)
	}
	if cur <= r.saved {
		return nil
	}
	// what the cursor passes must be on disk first (the store defers fsync)
	if err := r.cfg.Store.Sync(); err != nil {
		return err
	}
	r.saved = cur
	r.cursor.Store(cur)
	return r.saveCursor(cur)
}

// maxEventScan is the most heights whose block events datasets reads to
// find the sources that resolved rounds; a longer range (a new node, a
// long outage) lists every source instead.
const maxEventScan = 64

// datasets lists the datasets resolved in [from, to]: those of the
// sources that closed a round as resolved in those blocks' events, or of
// every source when the range is long or the events cannot be read.
func (r *Replicator) datasets(ctx context.Context, from, to uint64) ([]state.DatasetView, error) {
	var ids []string
	var err error
	if to-from < maxEventScan {
		ids, err = r.resolvedSources(ctx, from, to)
	}
	if to-from >= maxEventScan || err != nil {
		if ids, err = r.allSources(ctx); err != nil {
			return nil, err
		}
	}
	var out []state.DatasetView
	for _, id := range ids {
		ds, err := chain.All[state.DatasetView](ctx, r.cfg.Chain, func(cursor string) string {
			return state.PathDatasets(id, state.ListOptions{Limit: state.MaxLimit, Cursor: cursor, FromHeight: from, ToHeight: to})
		})
		if err != nil {
			return nil, fmt.Errorf("list datasets of %q: %w", id, err)
		}
		out = append(out, ds...)
	}
	// oldest first
	slices.SortFunc(out, func(a, b state.DatasetView) int {
		if c := cmp.Compare(a.Height, b.Height); c != 0 {
			return c
		}
		return strings.Compare(a.Source, b.Source)
	})
	return out, nil
}

// resolvedSources returns the sources of the round_closed events with
// phase RESOLVED in blocks [from, to], sorted, each once.
func (r *Replicator) resolvedSources(ctx context.Context, from, to uint64) ([]string, error) {
	var ids []string
	for h := from; h <= to; h++ {
		hh := int64(h)
		res, err := r.cfg.Chain.RPC().BlockResults(ctx, &hh)
		if err != nil {
			return nil, fmt.Errorf("block results %d: %w", h, err)
		}
		for _, e := range res.FinalizeBlockEvents {
			if e.Type != state.EventRoundClosed {
				continue
			}
			var src, phase string
			for _, a := range e.Attributes {
				switch a.Key {
				case state.AttrSource:
					src = a.Value
				case state.AttrPhase:
					phase = a.Value
				}
			}
			if phase == pb.Phase_PHASE_RESOLVED.String() {
				ids = append(ids, src)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// allSources returns every source id.
func (r *Replicator) allSources(ctx context.Context) ([]string, error) {
	srcs, err := chain.All[state.SourceView](ctx, r.cfg.Chain, func(cursor string) string {
		return state.PathSourcesPage(state.ListOptions{Limit: state.MaxLimit, Cursor: cursor})
	})
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	ids := make([]string, len(srcs))
	for i, s := range srcs {
		ids[i] = s.ID
	}
	return ids, nil
}

// refreshAddrs reads every operator's retrieval addresses.
func (r *Replicator) refreshAddrs(ctx context.Context) error {
	rs, err := r.cfg.Chain.Retrievals(ctx)
	if err != nil {
		return err
	}
	m := make(map[string]state.RetrievalView, len(rs))
	for _, v := range rs {
		m[v.Operator] = v
	}
	r.mu.Lock()
	r.addrs = m
	r.mu.Unlock()
	return nil
}

// replicate pins d's output, and its inputs when configured.
func (r *Replicator) replicate(ctx context.Context, d state.DatasetView) error {
	name := fmt.Sprintf("assay/%s/%d", d.Source, d.Round)
	want := []struct{ cid, name string }{{d.OutputCID, name + "/output"}}
	if r.cfg.Inputs {
		for i, c := range d.InputCIDs {
			want = append(want, struct{ cid, name string }{c, name + "/input" + suffix(i, len(d.InputCIDs))})
		}
	}
	var errs []error
	for _, w := range want {
		if w.cid == "" {
			continue
		}
		if err := r.fetchRetry(ctx, w.cid, w.name, d.Attesters); err != nil {
			r.failed.Add(1)
			errs = append(errs, fmt.Errorf("%s %s: %w", w.name, w.cid, err))
		}
	}
	return errors.Join(errs...)
}

func suffix(i, n int) string {
	if n == 1 {
		return ""
	}
	return "/" + strconv.Itoa(i)
}

// fetchRetry tries fetch up to Attempts times with doubling backoff.
func (r *Replicator) fetchRetry(ctx context.Context, cidStr, name string, attesters []string) error {
	c, err := cid.Decode(cidStr)
	if err != nil {
		return fmt.Errorf("bad cid %q: %w", cidStr, err)
	}
	// here already (the worker's pin, or another round's or source's
	// dataset with the same bytes): pinned under this name too, so that
	// unpinning the other name leaves this dataset kept
	if ok, err := r.cfg.Store.NamePinned(ctx, c, name); err == nil && ok {
		r.present.Add(1)
		return nil
	}
	wait := time.Second
	for attempt := 1; ; attempt++ {
		err = r.fetch(ctx, c, name, attesters)
		if err == nil || attempt >= r.cfg.Attempts || ctx.Err() != nil {
			return err
		}
		r.log.Info("replicate: retrying", "cid", c, "attempt", attempt, "in", wait, "err", err)
		if err := ctxsleep.Sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, maxBackoff)
	}
}

// fetch makes one attempt: bitswap from the attesters it can dial, then
// each attester's gateway in turn.
func (r *Replicator) fetch(ctx context.Context, c cid.Cid, name string, attesters []string) error {
	addrs := r.attesterAddrs(attesters)
	var errs []error
	if r.cfg.Host != nil {
		var mas []string
		for _, a := range addrs {
			mas = append(mas, a.Multiaddrs...)
		}
		err := r.viaBitswap(ctx, c, name, mas)
		if err == nil {
			r.fetched.Add(1)
			return nil
		}
		errs = append(errs, fmt.Errorf("bitswap: %w", err))
	}
	for _, a := range addrs {
		if a.Gateway == "" {
			continue
		}
		err := r.viaGateway(ctx, c, name, a.Gateway)
		if err == nil {
			r.fetched.Add(1)
			r.gateway.Add(1)
			return nil
		}
		errs = append(errs, fmt.Errorf("gateway %s: %w", a.Gateway, err))
	}
	if len(errs) == 0 {
		return errors.New("no attester has announced retrieval addresses")
	}
	return errors.Join(errs...)
}

// attesterAddrs returns the known addresses of attesters, in order.
func (r *Replicator) attesterAddrs(attesters []string) []state.RetrievalView {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []state.RetrievalView
	for _, a := range attesters {
		if v, ok := r.addrs[a]; ok {
			out = append(out, v)
		}
	}
	return out
}

// viaBitswap dials the attesters and fetches the DAG of c over bitswap
// within Timeout.
func (r *Replicator) viaBitswap(ctx context.Context, c cid.Cid, name string, multiaddrs []string) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	n, err := r.cfg.Host.Connect(ctx, multiaddrs)
	if n == 0 {
		if err == nil {
			err = errors.New("no attester multiaddrs")
		}
		return err
	}
	return r.cfg.Store.FetchPinned(ctx, c, name, r.cfg.Host.Bitswap)
}

// viaGateway fetches c as a CAR from gateway base within Timeout; the
// store hash-checks every block and the pin needs the whole DAG.
func (r *Replicator) viaGateway(ctx context.Context, c cid.Cid, name, base string) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/ipfs/"+c.String()+"?format=car", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.ipld.car")
	resp, err := r.cfg.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	body := &limitReader{r: resp.Body, left: r.cfg.MaxBytes}
	return r.cfg.Store.ImportCARPinned(ctx, body, c, name)
}

// errTooLarge is a gateway answer over MaxBytes.
var errTooLarge = errors.New("answer exceeds the replicate max_bytes")

// limitReader fails (rather than ending quietly) past left bytes.
type limitReader struct {
	r    interface{ Read([]byte) (int, error) }
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// loadCursor reads CursorFile (0 when it does not exist).
func (r *Replicator) loadCursor() (uint64, error) {
	if r.cfg.CursorFile == "" {
		return 0, nil
	}
	b, err := os.ReadFile(r.cfg.CursorFile)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("replica: cursor: %w", err)
	}
	h, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("replica: cursor %s: %w", r.cfg.CursorFile, err)
	}
	return h, nil
}

// saveCursor writes h to CursorFile (write and rename).
func (r *Replicator) saveCursor(h uint64) error {
	if r.cfg.CursorFile == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(r.cfg.CursorFile), 0o700); err != nil {
		return fmt.Errorf("replica: cursor: %w", err)
	}
	tmp := r.cfg.CursorFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatUint(h, 10)+"\n"), 0o600); err != nil {
		return fmt.Errorf("replica: cursor: %w", err)
	}
	return os.Rename(tmp, r.cfg.CursorFile)
}
