package plugins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Options configure a Manager.
type Options struct {
	// Plugins are the operator's plugins, in priority order: when two
	// serve one kind, the first wins.
	Plugins []PluginConfig
	// Builtins are in-process fetchers; their kinds win over plugins'.
	// Close closes those that implement io.Closer.
	Builtins []Fetcher
	// Limits bound fetches and restarts.
	Limits Limits
	// Logger receives the manager's and the plugins' logs; nil discards.
	Logger *slog.Logger
}

// Manager routes fetches to built-in fetchers and plugin processes. It is
// safe for concurrent use; Close kills every plugin process.
type Manager struct {
	lim      Limits
	log      *slog.Logger
	builtins map[string]Fetcher
	closers  []io.Closer
	insts    []*instance

	mu    sync.Mutex
	owner map[string]*instance // kind → plugin, declared or learned

	discoverMu sync.Mutex
	stop       chan struct{}
	wg         sync.WaitGroup
	closeOnce  sync.Once
}

// NewManager validates opts and returns a Manager. No plugin starts until
// a fetch needs it.
func NewManager(opts Options) (*Manager, error) {
	if err := validatePlugins(opts.Plugins); err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Manager{
		lim:      opts.Limits.withDefaults(),
		log:      log,
		builtins: map[string]Fetcher{},
		owner:    map[string]*instance{},
		stop:     make(chan struct{}),
	}
	for _, b := range opts.Builtins {
		kinds, err := b.Kinds(context.Background())
		if err != nil {
			return nil, fmt.Errorf("plugins: built-in fetcher kinds: %w", err)
		}
		for _, k := range kinds {
			m.builtins[k] = b
		}
		if c, ok := b.(io.Closer); ok {
			m.closers = append(m.closers, c)
		}
	}
	for _, pc := range opts.Plugins {
		in := newInstance(pc, m.lim, log)
		m.insts = append(m.insts, in)
		m.claim(in, pc.Kinds)
	}
	if m.lim.HealthInterval > 0 && len(m.insts) > 0 {
		m.wg.Add(1)
		go m.healthLoop()
	}
	return m, nil
}

// claim records in as the owner of kinds that no one serves yet.
func (m *Manager) claim(in *instance, kinds []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range kinds {
		if m.builtins[k] != nil {
			in.log.Warn("plugin kind shadowed by a built-in fetcher", "kind", k)
			continue
		}
		if prev := m.owner[k]; prev != nil && prev != in {
			in.log.Warn("plugin kind already served by another plugin", "kind", k, "by", prev.cfg.Name)
			continue
		}
		m.owner[k] = in
	}
}

// Fetch fetches the input of spec for round r within the byte cap, by
// ctx's deadline or, when ctx has none, within Limits.Timeout. The node's
// worker gives each fetch the time left in its round's commit window, so
// the fixed timeout bounds only callers without a deadline (assay fetch).
// Its errors are *FetchError values naming the plugin and the Reason.
func (m *Manager) Fetch(ctx context.Context, spec FetchSpec, r Round) ([]byte, error) {
	cfg, err := spec.Expand(r)
	if err != nil {
		return nil, &FetchError{Kind: spec.Kind, Reason: ReasonConfig, Err: err}
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.lim.Timeout)
		defer cancel()
	}
	req := Request{Kind: spec.Kind, Config: cfg, Round: r, MaxBytes: m.lim.MaxBytes}
	if b := m.builtins[spec.Kind]; b != nil {
		return m.fetchBuiltin(ctx, b, req)
	}
	in, err := m.route(ctx, spec.Kind)
	if err != nil {
		return nil, err
	}
	return in.fetch(ctx, req)
}

// fetchBuiltin runs an in-process fetch with the same limits.
func (m *Manager) fetchBuiltin(ctx context.Context, b Fetcher, req Request) ([]byte, error) {
	fail := func(r Reason, err error) error {
		return &FetchError{Plugin: BuiltinName, Kind: req.Kind, Reason: r, Err: err}
	}
	rc, err := b.Fetch(ctx, req)
	var data []byte
	if err == nil {
		data, err = readCapped(rc, req.MaxBytes)
		rc.Close()
	}
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, ErrTooLarge):
		return nil, fail(ReasonByteCap, err)
	case timedOut(ctx, err):
		return nil, fail(ReasonTimeout, err)
	}
	return nil, fail(ReasonFailed, err)
}

// route returns the plugin serving kind, starting undeclared plugins to
// learn their kinds when no known plugin serves it.
func (m *Manager) route(ctx context.Context, kind string) (*instance, error) {
	if in := m.ownerOf(kind); in != nil {
		return in, nil
	}
	m.discoverMu.Lock()
	defer m.discoverMu.Unlock()
	var notes []string
	for _, in := range m.insts {
		if in := m.ownerOf(kind); in != nil {
			return in, nil
		}
		if len(in.cfg.Kinds) > 0 || in.running() != nil {
			continue
		}
		if err := in.backoffErr(kind); err != nil {
			notes = append(notes, err.Error()) // do not wait for it here
			continue
		}
		if _, err := in.get(ctx, kind); err != nil {
			notes = append(notes, err.Error())
			continue
		}
		in.mu.Lock()
		kinds := in.kinds
		in.mu.Unlock()
		m.claim(in, kinds)
	}
	if in := m.ownerOf(kind); in != nil {
		return in, nil
	}
	err := errors.New("no built-in fetcher or plugin serves it")
	if len(notes) > 0 {
		err = fmt.Errorf("%w; %s", err, strings.Join(notes, "; "))
	}
	return nil, &FetchError{Kind: kind, Reason: ReasonUnknownKind, Err: err}
}

func (m *Manager) ownerOf(kind string) *instance {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.owner[kind]
}

// healthLoop checks running plugins every HealthInterval until Close.
func (m *Manager) healthLoop() {
	defer m.wg.Done()
	t := time.NewTicker(m.lim.HealthInterval)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			for _, in := range m.insts {
				if f := in.running(); f != nil {
					in.checkHealth(f)
				}
			}
		}
	}
}

// Close kills every plugin's process group and ends starts in progress,
// waits (bounded, even for hung plugins) until the plugins are reaped and
// closes the built-in fetchers that are io.Closers.
func (m *Manager) Close() error {
	var errs []error
	m.closeOnce.Do(func() {
		close(m.stop)
		m.wg.Wait()
		var wg sync.WaitGroup
		for _, in := range m.insts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in.close()
			}()
		}
		wg.Wait()
		for _, c := range m.closers {
			errs = append(errs, c.Close())
		}
	})
	return errors.Join(errs...)
}
