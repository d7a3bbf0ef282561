package plugins_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins"
)

func TestPluginEndToEnd(t *testing.T) {
	m, logs := newManager(t, testLimits, nil, pluginCfg("good", nil))
	got, err := m.Fetch(fetchCtx(t), spec("test", `{"text":"block {{height}} of {{source}} at {{window_end}}","log":"hello log"}`), round)
	if err != nil {
		t.Fatal(err)
	}
	if want := "block 7 of src at 1699999980"; string(got) != want {
		t.Errorf("fetch = %q, want %q", got, want)
	}
	big, err := m.Fetch(fetchCtx(t), spec("test", `{"size":1048576}`), round)
	if err != nil || len(big) != 1<<20 || big[27] != 'b' {
		t.Fatalf("1 MiB fetch: %d bytes, %v", len(big), err)
	}
	st := m.Status()
	if len(st) != 1 || st[0].State != plugins.StateRunning || st[0].PID == 0 || st[0].Starts != 1 ||
		strings.Join(st[0].Kinds, ",") != "test" {
		t.Errorf("status = %+v", st)
	}
	// stderr lines reach the logger asynchronously; wait a bounded time.
	for i := 0; i < 100 && !strings.Contains(logs.String(), "testplugin: hello log height=7"); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "testplugin: hello log height=7") {
		t.Errorf("plugin stderr did not reach the logger:\n%s", logs.String())
	}
}

// misbehaving lists a plugin per failure, each with the request that
// triggers it and what the error must say.
var misbehaving = []struct {
	name   string
	env    map[string]string
	sha    string
	config string
	reason plugins.Reason
	says   string
}{
	{"crasher", nil, "", `{"mode":"crash"}`, plugins.ReasonCrash, "exited during the fetch"},
	{"hanger", nil, "", `{"mode":"hang"}`, plugins.ReasonTimeout, "deadline exceeded"},
	{"flooder", map[string]string{"ASSAY_TEST_SERVER": "raw"}, "", `{"mode":"flood"}`, plugins.ReasonByteCap, "more than 1048576 bytes"},
	{"oversize", nil, "", `{"size":1048577}`, plugins.ReasonByteCap, "byte cap"},
	{"badsum", map[string]string{"ASSAY_TEST_SERVER": "raw"}, "", `{"mode":"badsum","text":"x"}`, plugins.ReasonGarbage, "SHA-256"},
	{"notrailer", map[string]string{"ASSAY_TEST_SERVER": "raw"}, "", `{"mode":"notrailer","text":"x"}`, plugins.ReasonGarbage, "without a trailer"},
	{"bigchunk", map[string]string{"ASSAY_TEST_SERVER": "raw"}, "", `{"mode":"bigchunk"}`, plugins.ReasonGarbage, "chunk of 262144 bytes"},
	{"junk", map[string]string{"ASSAY_TEST_START": "junk"}, "", `{}`, plugins.ReasonStart, "garbage instead of the handshake"},
	{"tampered", nil, strings.Repeat("0", 64), `{}`, plugins.ReasonStart, "checksum mismatch"},
	{"v2", map[string]string{"ASSAY_TEST_START": "v2"}, "", `{}`, plugins.ReasonStart, "plugin speaks fetcher protocol 2, this node speaks 1"},
	{"quitter", map[string]string{"ASSAY_TEST_START": "exit"}, "", `{}`, plugins.ReasonStart, "exited at start"},
	{"refuser", nil, "", `{"mode":"error"}`, plugins.ReasonFailed, "upstream said no"},
	{"badkinds", map[string]string{"ASSAY_TEST_KINDS": "Bad Kind"}, "", `{}`, plugins.ReasonStart, "plugin serves a bad kind"},
}

func TestMisbehavingPlugins(t *testing.T) {
	cfgs := []plugins.PluginConfig{pluginCfg("good", map[string]string{"ASSAY_TEST_KINDS": "good"}, "good")}
	for _, mb := range misbehaving {
		env := map[string]string{"ASSAY_TEST_KINDS": mb.name}
		for k, v := range mb.env {
			env[k] = v
		}
		c := pluginCfg(mb.name, env, mb.name)
		if mb.sha != "" {
			c.SHA256 = mb.sha
		}
		cfgs = append(cfgs, c)
	}
	lim := testLimits
	lim.Timeout = 3 * time.Second
	m, _ := newManager(t, lim, nil, cfgs...)
	// Start every plugin first, so that the timings below are the fetches'.
	// Some are meant to fail to start; they fail again in their fetch.
	_ = m.StartAll(fetchCtx(t))
	for _, mb := range misbehaving {
		t.Run(mb.name, func(t *testing.T) {
			start := time.Now()
			_, err := m.Fetch(context.Background(), spec(mb.name, mb.config), round)
			elapsed := time.Since(start)
			if !errors.Is(err, mb.reason) {
				t.Fatalf("err = %v, want reason %s", err, mb.reason)
			}
			msg := err.Error()
			if !strings.Contains(msg, `plugin "`+mb.name+`"`) || !strings.Contains(msg, mb.says) {
				t.Errorf("error %q should name the plugin and say %q", msg, mb.says)
			}
			if limit := lim.Timeout + 2*time.Second; elapsed > limit {
				t.Errorf("fetch took %v, beyond the timeout %v", elapsed, lim.Timeout)
			}
			got, err := m.Fetch(fetchCtx(t), spec("good", `{"text":"ok"}`), round)
			if err != nil || string(got) != "ok" {
				t.Errorf("good plugin after %s: %q, %v", mb.name, got, err)
			}
		})
	}
}

func TestRestartAfterCrash(t *testing.T) {
	m, _ := newManager(t, testLimits, nil, pluginCfg("p", nil, "test"))
	if _, err := m.Fetch(fetchCtx(t), spec("test", `{"text":"first"}`), round); err != nil {
		t.Fatal(err)
	}
	pid := m.Status()[0].PID
	_, err := m.Fetch(fetchCtx(t), spec("test", `{"mode":"crash"}`), round)
	if !errors.Is(err, plugins.ReasonCrash) {
		t.Fatalf("crash fetch: %v", err)
	}
	if st := m.Status()[0]; st.State != plugins.StateFailed || !strings.Contains(st.LastError, "exited") {
		t.Errorf("status after crash = %+v", st)
	}
	got, err := m.Fetch(fetchCtx(t), spec("test", `{"text":"again"}`), round)
	if err != nil || string(got) != "again" {
		t.Fatalf("fetch after crash: %q, %v", got, err)
	}
	st := m.Status()[0]
	if st.Starts != 2 || st.PID == pid || st.State != plugins.StateRunning {
		t.Errorf("status after restart = %+v (first pid %d)", st, pid)
	}
	if alive(pid) {
		t.Errorf("crashed process %d still alive", pid)
	}
}

func TestHungProcessIsRestarted(t *testing.T) {
	lim := testLimits
	lim.Timeout = time.Second
	m, _ := newManager(t, lim, nil, pluginCfg("p", nil, "test"))
	if err := m.StartAll(fetchCtx(t)); err != nil {
		t.Fatal(err)
	}
	pid := m.Status()[0].PID
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(pid, syscall.SIGCONT)
	for i := 0; i < 500 && procState(pid) != 'T'; i++ {
		time.Sleep(10 * time.Millisecond) // every thread must stop first
	}
	// no deadline of its own: the 1 s timeout bounds the fetch
	if _, err := m.Fetch(context.Background(), spec("test", `{}`), round); !errors.Is(err, plugins.ReasonTimeout) {
		t.Fatalf("fetch from a stopped process: %v", err)
	}
	// The health check after the timeout kills the stopped process; the
	// next fetch starts a new one.
	deadline := time.Now().Add(10 * time.Second)
	for m.Status()[0].State == plugins.StateRunning && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := m.StartAll(fetchCtx(t)); err != nil { // restart outside the 1 s fetch timeout
		t.Fatal(err)
	}
	got, err := m.Fetch(fetchCtx(t), spec("test", `{"text":"back"}`), round)
	if err != nil || string(got) != "back" {
		t.Fatalf("fetch after the hang: %q, %v", got, err)
	}
	if st := m.Status()[0]; st.Starts != 2 || st.PID == pid {
		t.Errorf("status = %+v, want a second process", st)
	}
}

func TestCloseLeavesNoProcess(t *testing.T) {
	m, _ := newManager(t, testLimits, nil,
		pluginCfg("a", map[string]string{"ASSAY_TEST_KINDS": "a"}),
		pluginCfg("b", map[string]string{"ASSAY_TEST_KINDS": "b"}),
		pluginCfg("c", map[string]string{"ASSAY_TEST_KINDS": "c"}, "c"))
	if err := m.StartAll(fetchCtx(t)); err != nil {
		t.Fatal(err)
	}
	hung := make(chan error, 1)
	go func() {
		_, err := m.Fetch(context.Background(), spec("c", `{"mode":"hang"}`), round)
		hung <- err
	}()
	var pids []int
	for _, st := range m.Status() {
		if st.PID == 0 {
			t.Fatalf("plugin not running: %+v", st)
		}
		pids = append(pids, st.PID)
	}
	time.Sleep(100 * time.Millisecond) // let the hang reach the plugin
	if kids := children(); len(kids) < 3 {
		t.Errorf("children running the plugin before Close: %v, want at least 3", kids)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if kids := children(); len(kids) != 0 {
		t.Errorf("children left after Close: %v", kids)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("plugin process %d still alive after Close", pid)
		}
	}
	if err := <-hung; err == nil {
		t.Error("the fetch in flight at Close succeeded")
	}
	if _, err := m.Fetch(fetchCtx(t), spec("a", `{}`), round); !errors.Is(err, plugins.ReasonClosed) {
		t.Errorf("fetch after Close: %v", err)
	}
	for _, st := range m.Status() {
		if st.State != plugins.StateClosed || st.PID != 0 {
			t.Errorf("status after Close: %+v", st)
		}
	}
}

func TestConcurrencyLimit(t *testing.T) {
	lim := testLimits
	lim.Concurrency = 1
	m, _ := newManager(t, lim, nil, pluginCfg("p", nil, "test"))
	go m.Fetch(context.Background(), spec("test", `{"mode":"hang"}`), round)
	deadline := time.Now().Add(10 * time.Second)
	for m.Status()[0].State != plugins.StateRunning && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := m.Fetch(ctx, spec("test", `{}`), round)
	if !errors.Is(err, plugins.ReasonTimeout) || !strings.Contains(err.Error(), "no free slot") {
		t.Errorf("second fetch with one slot: %v", err)
	}
}

func TestUnknownKindAndConfig(t *testing.T) {
	lim := testLimits
	lim.RestartBackoff = time.Hour
	m, _ := newManager(t, lim, nil,
		pluginCfg("quitter", map[string]string{"ASSAY_TEST_START": "exit"}),
		pluginCfg("good", nil))
	_, err := m.Fetch(fetchCtx(t), spec("nothing", `{}`), round)
	if !errors.Is(err, plugins.ReasonUnknownKind) || !strings.Contains(err.Error(), `plugin "quitter"`) {
		t.Errorf("unknown kind: %v (should mention the plugin that failed to start)", err)
	}
	// The failed plugin is in its backoff now: a second lookup reports it
	// instead of waiting for it.
	_, err = m.Fetch(fetchCtx(t), spec("nothing", `{}`), round)
	if !errors.Is(err, plugins.ReasonUnknownKind) || !strings.Contains(err.Error(), "restarts in") {
		t.Errorf("unknown kind during a backoff: %v", err)
	}
	_, err = m.Fetch(fetchCtx(t), spec("test", `{"a":"{{window_end}}"}`), plugins.Round{})
	if !errors.Is(err, plugins.ReasonConfig) {
		t.Errorf("bad template: %v", err)
	}
}

// bytesFetcher is an in-process fetcher serving fixed bytes.
type bytesFetcher struct{ data []byte }

func (f bytesFetcher) Kinds(context.Context) ([]string, error) { return []string{"mem"}, nil }

func (f bytesFetcher) Fetch(context.Context, plugins.Request) (ioReadCloser, error) {
	return nopCloser{bytes.NewReader(f.data)}, nil
}

func TestBuiltinLimits(t *testing.T) {
	lim := testLimits
	lim.MaxBytes = 10
	m, _ := newManager(t, lim, []plugins.Fetcher{bytesFetcher{make([]byte, 11)}})
	_, err := m.Fetch(fetchCtx(t), spec("mem", `{}`), round)
	if !errors.Is(err, plugins.ReasonByteCap) || !strings.Contains(err.Error(), "built-in fetcher") {
		t.Errorf("builtin over the cap: %v", err)
	}
	if got := strings.Join(m.BuiltinKinds(), ","); got != "mem" {
		t.Errorf("BuiltinKinds = %s", got)
	}
}

// deadlineFetcher reports the deadline of each fetch's context.
type deadlineFetcher struct{ seen chan time.Time }

func (f deadlineFetcher) Kinds(context.Context) ([]string, error) { return []string{"mem"}, nil }

func (f deadlineFetcher) Fetch(ctx context.Context, _ plugins.Request) (ioReadCloser, error) {
	d, _ := ctx.Deadline()
	f.seen <- d
	return nopCloser{bytes.NewReader(nil)}, nil
}

// TestFetchDeadline: a caller's deadline bounds the fetch, later or
// sooner than the timeout (the worker's is the end of the round's commit
// window); the timeout bounds only fetches without one.
func TestFetchDeadline(t *testing.T) {
	lim := testLimits
	lim.Timeout = time.Second
	f := deadlineFetcher{seen: make(chan time.Time, 1)}
	m, _ := newManager(t, lim, []plugins.Fetcher{f})
	for _, d := range []time.Duration{time.Hour, 10 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		want, _ := ctx.Deadline()
		_, err := m.Fetch(ctx, spec("mem", `{}`), round)
		cancel()
		if got := <-f.seen; err != nil || !got.Equal(want) {
			t.Errorf("caller deadline in %v: fetch saw %v (%v), want %v", d, got, err, want)
		}
	}
	before := time.Now()
	_, err := m.Fetch(context.Background(), spec("mem", `{}`), round)
	got := <-f.seen
	if err != nil || got.Before(before.Add(lim.Timeout)) || got.After(time.Now().Add(lim.Timeout)) {
		t.Errorf("no caller deadline: fetch saw %v (%v), want now + %v", got, err, lim.Timeout)
	}
}
