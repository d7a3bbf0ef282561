package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/state"
)

// cluster is a testnet of real `assay start` processes on loopback.
type cluster struct {
	t     *testing.T
	bin   string
	dir   string
	base  int
	n     int
	ops   []string // operator address of node i
	procs []*exec.Cmd
	keys  string // keyring dir
	mu    sync.Mutex
}

// buildAssay builds this command into dir.
func buildAssay(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "assay")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// newCluster writes n homes with `assay testnet` (fast blocks, short
// windows) without starting them.
func newCluster(t *testing.T, n int) *cluster {
	return newClusterParams(t, n, `{"commit_window":"4","reveal_window":"4","jail_blocks":"100"}`)
}

// newClusterParams is newCluster with genesis params.
func newClusterParams(t *testing.T, n int, params string) *cluster {
	t.Helper()
	return newClusterArgs(t, n, "--timeout-commit", "300ms", "--params", params)
}

// newClusterDefaults is a testnet as `assay testnet` writes it by default:
// default genesis params and the default block time.
func newClusterDefaults(t *testing.T, n int) *cluster {
	t.Helper()
	return newClusterArgs(t, n)
}

// newClusterArgs writes n homes with `assay testnet` and extra flags.
func newClusterArgs(t *testing.T, n int, flags ...string) *cluster {
	t.Helper()
	dir := t.TempDir()
	c := &cluster{t: t, bin: buildAssay(t, dir), dir: dir, base: freeBase(t, n), n: n, procs: make([]*exec.Cmd, n), keys: filepath.Join(dir, "keys")}
	// The sources fetch from httptest servers on loopback: opt in to it.
	args := []string{"testnet", "-n", fmt.Sprint(n), "-o", filepath.Join(dir, "net"), "--base-port", fmt.Sprint(c.base), "--allow-private-ranges", "127.0.0.0/8"}
	c.cli(append(args, flags...)...)
	for i := 0; i < n; i++ {
		kf, _, err := readKeyFile(filepath.Join(c.home(i), operatorKeyFile))
		if err != nil {
			t.Fatal(err)
		}
		c.ops = append(c.ops, kf.Address)
	}
	t.Cleanup(c.stopAll)
	return c
}

func (c *cluster) home(i int) string { return filepath.Join(c.dir, "net", fmt.Sprintf("node%d", i)) }
func (c *cluster) rpc(i int) string  { return fmt.Sprintf("tcp://127.0.0.1:%d", c.base+10*i+1) }
func (c *cluster) gateway(i int) string {
	return fmt.Sprintf("http://127.0.0.1:%d", c.base+10*i+3)
}

// start runs node i (with extra flags such as --fault) in the background.
func (c *cluster) start(i int, flags ...string) {
	c.t.Helper()
	logf, err := os.OpenFile(filepath.Join(c.dir, fmt.Sprintf("node%d.log", i)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := exec.Command(c.bin, append([]string{"start", "--home", c.home(i)}, flags...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.procs[i] = cmd
	c.mu.Unlock()
	go func() { _ = cmd.Wait(); _ = logf.Close() }()
}

// stop ends node i with sig and waits (bounded) for it to exit.
func (c *cluster) stop(i int, sig syscall.Signal) {
	c.mu.Lock()
	cmd := c.procs[i]
	c.procs[i] = nil
	c.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	for j := 0; j < 100; j++ {
		if cmd.Process.Signal(syscall.Signal(0)) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
}

func (c *cluster) stopAll() {
	if c.t.Failed() && os.Getenv("ASSAY_E2E_DUMP") != "" {
		for _, p := range c.procs {
			if p != nil && p.Process != nil {
				_ = p.Process.Signal(syscall.SIGQUIT) // goroutine dump into the log
			}
		}
		time.Sleep(2 * time.Second)
	}
	for i := range c.procs {
		c.stop(i, syscall.SIGTERM)
	}
	if c.t.Failed() {
		for i := 0; i < c.n; i++ {
			b, _ := os.ReadFile(filepath.Join(c.dir, fmt.Sprintf("node%d.log", i)))
			c.t.Logf("node%d log (tail):\n%s", i, tail(string(b), 3000))
			if d := os.Getenv("ASSAY_E2E_DUMP"); d != "" {
				_ = os.WriteFile(filepath.Join(d, fmt.Sprintf("%s-node%d.log", c.t.Name(), i)), b, 0o644)
			}
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// cli runs the assay binary and returns its stdout; it fails the test
// on a non-zero exit.
func (c *cluster) cli(args ...string) []byte {
	c.t.Helper()
	out, err := c.try(args...)
	if err != nil {
		c.t.Fatalf("assay %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (c *cluster) try(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%w: %s", err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// query runs a JSON query command against node i into v.
func (c *cluster) query(i int, v any, args ...string) error {
	out, err := c.try(append(args, "--node", c.rpc(i))...)
	if err != nil {
		return err
	}
	return json.Unmarshal(out, v)
}

// waitFor polls cond every 500 ms until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	return pollEvery(500*time.Millisecond, timeout, cond)
}

// waitForFast is waitFor polling every 20 ms, for states that last about
// one block.
func waitForFast(timeout time.Duration, cond func() bool) bool {
	return pollEvery(20*time.Millisecond, timeout, cond)
}

// pollEvery polls cond every interval until it holds or timeout passes.
func pollEvery(interval, timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(interval)
	}
	return cond()
}

// height returns node i's latest height, 0 when it does not answer.
func (c *cluster) height(i int) int64 {
	var st struct {
		Result struct {
			SyncInfo struct {
				Height string `json:"latest_block_height"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if getJSON(fmt.Sprintf("http://127.0.0.1:%d/status", c.base+10*i+1), &st) != nil {
		return 0
	}
	var h int64
	fmt.Sscan(st.Result.SyncInfo.Height, &h)
	return h
}

func getJSON(url string, v any) error {
	cl := http.Client{Timeout: 5 * time.Second}
	resp, err := cl.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// registerEcho serves a per-height input on loopback and registers a
// source validated by echo.wasm; it returns the source id.
func (c *cluster) registerEcho(id string, replicas int) {
	c.t.Helper()
	c.registerEchoHandler(id, replicas, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	})
}

// registerEchoSlowLast is registerEcho whose server answers the last of
// the replicas fetches of each round only after delay, as an upstream
// slow for one node would: the other assignees commit first and the
// round stays in its commit phase for a few blocks.
func (c *cluster) registerEchoSlowLast(id string, replicas int, delay time.Duration) {
	c.t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	c.registerEchoHandler(id, replicas, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path]++
		last := seen[r.URL.Path] == replicas
		mu.Unlock()
		if last {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	})
}

// registerEchoHandler serves a source's input with h on loopback and
// registers the source, validated by echo.wasm.
func (c *cluster) registerEchoHandler(id string, replicas int, h http.HandlerFunc) {
	c.t.Helper()
	srv := httptest.NewServer(h)
	c.t.Cleanup(srv.Close)
	code, err := filepath.Abs(echoWasm)
	if err != nil {
		c.t.Fatal(err)
	}
	src := filepath.Join(c.dir, id+".toml")
	body := fmt.Sprintf("id = %q\ncode_file = %q\nevery = 2\nreplicas = %d\ngas_limit = 10_000_000\nmax_output = 65536\n\n[fetch]\nkind = \"http\"\n[fetch.config]\nurl = \"%s/%s/{{height}}\"\n",
		id, code, replicas, srv.URL, id)
	if err := os.WriteFile(src, []byte(body), 0o600); err != nil {
		c.t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(c.keys, "owner.json")); err != nil {
		c.cli("keys", "add", "owner", "--keyring", c.keys)
	}
	c.cli("source", "register", src, "--key", "owner", "--keyring", c.keys, "--node", c.rpc(0))
}

func (c *cluster) datasets(i int, id string) []state.DatasetView {
	var ds state.Page[state.DatasetView]
	if err := c.query(i, &ds, "dataset", "list", id, "--limit", "1000", "--json"); err != nil {
		return nil
	}
	return ds.Items
}

func (c *cluster) evidence(i int) []state.EvidenceView {
	var ev state.Page[state.EvidenceView]
	if err := c.query(i, &ev, "evidence", "--limit", "1000", "--json"); err != nil {
		return nil
	}
	return ev.Items
}

// nodeOf returns the index of the node with operator op.
func (c *cluster) nodeOf(op string) int {
	for i, o := range c.ops {
		if o == op {
			return i
		}
	}
	c.t.Fatalf("no node with operator %s", op)
	return -1
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// appHash returns the app hash in node i's header at height h+1 (the
// state after h), "" when unknown.
func (c *cluster) appHash(i int, h int64) string {
	var r struct {
		Result struct {
			Block struct {
				Header struct {
					AppHash string `json:"app_hash"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	if getJSON(fmt.Sprintf("http://127.0.0.1:%d/block?height=%d", c.base+10*i+1, h), &r) != nil {
		return ""
	}
	return r.Result.Block.Header.AppHash
}

// cometPower returns node j's voting power in node i's CometBFT
// /validators (0 when absent).
func (c *cluster) cometPower(i, j int) int64 {
	var pv struct {
		Address string `json:"address"`
	}
	b, err := os.ReadFile(filepath.Join(c.home(j), "config", "priv_validator_key.json"))
	if err != nil || json.Unmarshal(b, &pv) != nil {
		return -1
	}
	var r struct {
		Result struct {
			Validators []struct {
				Address string `json:"address"`
				Power   string `json:"voting_power"`
			} `json:"validators"`
		} `json:"result"`
	}
	if getJSON(fmt.Sprintf("http://127.0.0.1:%d/validators", c.base+10*i+1), &r) != nil {
		return -1
	}
	for _, v := range r.Result.Validators {
		if v.Address == pv.Address {
			var p int64
			fmt.Sscan(v.Power, &p)
			return p
		}
	}
	return 0
}

// abciQuery runs an app query (docs/protocol.md section 6) on node i over
// HTTP and decodes its JSON value into v.
func (c *cluster) abciQuery(i int, path string, v any) error {
	var r struct {
		Result struct {
			Response struct {
				Code  uint32 `json:"code"`
				Log   string `json:"log"`
				Value []byte `json:"value"`
			} `json:"response"`
		} `json:"result"`
	}
	u := fmt.Sprintf("http://127.0.0.1:%d/abci_query?path=%%22%s%%22", c.base+10*i+1, path)
	if err := getJSON(u, &r); err != nil {
		return err
	}
	if q := r.Result.Response; q.Code != 0 {
		return fmt.Errorf("query %s: code %d: %s", path, q.Code, q.Log)
	}
	return json.Unmarshal(r.Result.Response.Value, v)
}

// assignee returns the index of op in r's assignees, -1 if absent.
func assignee(r state.RoundView, op string) int {
	for i, a := range r.Assignees {
		if a.Operator == op {
			return i
		}
	}
	return -1
}

// catchingUp reports node i's sync_info.catching_up (true when it does
// not answer).
func (c *cluster) catchingUp(i int) bool {
	var st struct {
		Result struct {
			SyncInfo struct {
				CatchingUp bool `json:"catching_up"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if getJSON(fmt.Sprintf("http://127.0.0.1:%d/status", c.base+10*i+1), &st) != nil {
		return true
	}
	return st.Result.SyncInfo.CatchingUp
}
