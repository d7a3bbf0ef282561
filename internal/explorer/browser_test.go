package explorer_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/devnet"
	"github.com/assaynet/assay/internal/testports"
)

// ShotsEnv names a directory that TestExplorerBrowser also copies its
// screenshots to (docs/explorer is refreshed with it).
const shotsEnv = "ASSAY_EXPLORER_SHOTS"

// chromiumPath finds Debian's chromium ("" when absent).
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestExplorerBrowser drives headless Chromium through node 0's explorer
// of a running 4-validator devnet with a wrong-output validator: it opens
// every page, searches the sources, follows a dataset's output link to
// the gateway and back, sees a new block appear on the status page
// without a reload, tabs to the skip link, checks that a phone-sized
// screen does not scroll sideways, and saves a screenshot of each page
// under a temp dir. ASSAY_E2E=1 runs it; it skips where Chromium is
// absent (make tools installs Debian's chromium).
func TestExplorerBrowser(t *testing.T) {
	if os.Getenv("ASSAY_E2E") != "1" {
		t.Skip("ASSAY_E2E=1 runs the browser test")
	}
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("chromium not found: run `make tools` as root (apt-get install chromium)")
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	net := startDevnet(t, ctx)
	base := net.Nodes[0].Explorer
	t.Logf("devnet up with a dataset and a slash after %s; explorer %s", time.Since(start).Round(time.Millisecond), base)

	shots := t.TempDir()
	b := &browser{t: t, ctx: newBrowser(t, ctx, chrome), dir: shots}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// Status: a block arrives without a reload.
	b.do("status page", chromedp.EmulateViewport(1200, 800), chromedp.Navigate(base+"/"), chromedp.WaitVisible(css("#blocks tr")))
	first := get1(b, "newest block", chromedp.Evaluate[int](`Number(document.querySelector("#blocks tr").dataset.height)`))
	get1(b, "mark the page", chromedp.Evaluate[string](`window.__noReload = "same page"`))
	b.do("a new block appears live", chromedp.WaitVisible(css("#blocks tr.fresh")))
	marker := get1(b, "marker", chromedp.Evaluate[string](`window.__noReload || "reloaded"`))
	fresh := get1(b, "new block", chromedp.Evaluate[int](`Number(document.querySelector("#blocks tr.fresh").dataset.height)`))
	header := get1(b, "height", chromedp.Evaluate[int](`Number(document.getElementById("live-height").textContent)`))
	if marker != "same page" || fresh <= first || header < fresh {
		t.Fatalf("live update: marker %q, newest block %d at load, then %d; header height %d", marker, first, fresh, header)
	}
	b.do("keyboard", chromedp.KeyEvent("\t"))
	if focused := get1(b, "focus", chromedp.Evaluate[string](`document.activeElement.className`)); focused != "skip" {
		t.Errorf("the first Tab focuses %q, want the skip link", focused)
	}
	get1(b, "blur", chromedp.Evaluate[bool](`document.activeElement.blur(), true`))
	b.shot("status")

	// Sources: the list, then a search.
	b.do("sources page", chromedp.Navigate(base+"/sources"), chromedp.WaitVisible(css(`a[href="/source/btc-usd"]`)))
	b.shot("sources")
	b.do("search", chromedp.SetValue(css("#q"), "eth"), chromedp.Submit(css("#q")), chromedp.WaitVisible(css(`a[href="/source/eth-usd"]`)))
	if results := get1(b, "results", chromedp.Text(css("main"))); strings.Contains(results, "btc-usd") {
		t.Errorf("a search for eth lists btc-usd:\n%s", results)
	}

	// A source: follow a dataset's output to the gateway and back.
	b.do("source page", chromedp.Navigate(base+"/source/btc-usd"), chromedp.WaitVisible(css("a.output.held")), chromedp.WaitVisible(css("code.cmd")))
	b.shot("source")
	href := get1(b, "output link", chromedp.AttributeValue(css("a.output.held"), "href")).Value
	if cmd := get1(b, "verify command", chromedp.Text(css("code.cmd"))); !strings.HasPrefix(cmd, "assay dataset verify btc-usd ") || !strings.Contains(cmd, "--trust-hash ") {
		t.Errorf("verify command %q", cmd)
	}
	b.do("follow the output link", chromedp.Click(css("a.output.held")))
	b.waitLocation(href)
	b.do("gateway page", chromedp.WaitReady(css("body")))
	if gw := get1(b, "gateway body", chromedp.Text(css("body"))); !strings.HasPrefix(href, net.Nodes[0].Gateway+"/ipfs/") || !strings.Contains(gw, "price") {
		t.Fatalf("output link %s served %q", href, gw)
	}
	b.do("back to the source", chromedp.NavigateBack(), chromedp.WaitVisible(css("a.output")))
	if back := get1(b, "location", chromedp.Location()); back != base+"/source/btc-usd" {
		t.Fatalf("back at %s", back)
	}

	// Validators and evidence.
	b.do("validators page", chromedp.Navigate(base+"/validators"), chromedp.WaitVisible(css("svg.spark rect")))
	b.shot("validators")
	b.do("evidence page", chromedp.Navigate(base+"/evidence"), chromedp.WaitVisible(css("main table")))
	b.shot("evidence")
	if ev := get1(b, "evidence", chromedp.Text(css("main"))); !strings.Contains(ev, "recomputed: matches") {
		t.Errorf("no recomputed commit on the evidence page:\n%s", ev)
	}

	// A phone-sized screen: the page does not scroll sideways (wide
	// tables scroll in their own region).
	b.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(base+"/source/btc-usd"), chromedp.WaitVisible(css("a.output")))
	if get1(b, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
		t.Errorf("the source page scrolls sideways on a 390 px screen")
	}
	b.shot("source-phone")
	t.Logf("browser test done in %s; screenshots in %s", time.Since(start).Round(time.Millisecond), shots)
}

// browser is a Chromium tab of a test.
type browser struct {
	t   *testing.T
	ctx context.Context
	dir string // screenshots
}

// stepTimeout bounds one step of the browser test.
const stepTimeout = 60 * time.Second

// do runs steps, failing the test with step's name on error.
func (b *browser) do(step string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	get1(b, step, chromedp.Steps(steps...))
}

// get1 runs a and returns its value, failing the test with step's name
// on error.
func get1[T any](b *browser, step string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	return v
}

// waitLocation waits (polling every 100 ms, bounded by stepTimeout)
// until the tab is at url.
func (b *browser) waitLocation(url string) {
	b.t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for range int(stepTimeout / (100 * time.Millisecond)) {
		if get1(b, "location", chromedp.Location()) == url {
			return
		}
		<-tick.C
	}
	b.t.Fatalf("the tab never reached %s", url)
}

// shot saves a screenshot of the whole page as name.png.
func (b *browser) shot(name string) {
	b.t.Helper()
	png := get1(b, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := saveShot(b.t, b.dir, name, png); err != nil {
		b.t.Fatal(err)
	}
}

// startDevnet starts 4 validators (the last reports wrong outputs) with
// two example sources and waits until node 0 has a dataset of each and
// evidence of a slash.
func startDevnet(t *testing.T, ctx context.Context) *devnet.Net {
	t.Helper()
	net, err := devnet.Start(ctx, t.TempDir(), devnet.Config{Validators: 4, BasePort: testports.FreeBase(t, 4), Fault: "wrong-output",
		BlockTime: 500 * time.Millisecond, CacheDir: t.TempDir(),
		GenesisParams: `{"commit_window":"4","reveal_window":"4","jail_blocks":"100"}`})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(net.Stop)
	wasm, params, err := devnet.ExampleFiles(echoWasm, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := devnet.RegisterSources(ctx, net, wasm, params, devnet.Sources{Symbols: []string{"BTC-USD", "ETH-USD"}, Every: 2, Replicas: 3, Spread: true}); err != nil {
		t.Fatal(err)
	}
	c := net.Nodes[0].RPC.Chain()
	waitFor(t, ctx, func() bool {
		_, _, e1 := c.LatestDataset(ctx, "btc-usd", "")
		_, _, e2 := c.LatestDataset(ctx, "eth-usd", "")
		ev, e3 := c.Evidence(ctx)
		return e1 == nil && e2 == nil && e3 == nil && len(ev) > 0 && attested(ctx, net, "btc-usd")
	})
	return net
}

// attested reports whether node 0 attested one of source's newest
// datasets, so its gateway serves the output.
func attested(ctx context.Context, net *devnet.Net, source string) bool {
	p, _, err := net.Nodes[0].RPC.Chain().Datasets(ctx, source, state.ListOptions{Limit: 10})
	if err != nil {
		return false
	}
	op := hex.EncodeToString(net.Nodes[0].Operator)
	for _, d := range p.Items {
		if slices.Contains(d.Attesters, op) {
			return true
		}
	}
	return false
}

// newBrowser starts headless Chromium with a fresh profile and returns a
// tab's context; both end with the test.
func newBrowser(t *testing.T, ctx context.Context, path string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	// the first Run starts the browser: without a timeout of its own,
	// which would end the browser with it
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return bctx
}

// saveShot writes a screenshot under dir, and under $ASSAY_EXPLORER_SHOTS
// when set.
func saveShot(t *testing.T, dir, name string, png []byte) error {
	for _, d := range []string{dir, os.Getenv(shotsEnv)} {
		if d == "" {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, name+".png"), png, 0o644); err != nil {
			return fmt.Errorf("screenshot %s: %w", name, err)
		}
	}
	t.Logf("screenshot %s.png: %d bytes", name, len(png))
	return nil
}
