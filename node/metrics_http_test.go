package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/assaynet/assay/internal/testports"
)

// served is what a real node's Prometheus endpoint listed, scraped once
// per test binary (the metrics live in the process's default registry).
var served struct {
	once  sync.Once
	names map[string]bool // metric family names
	body  string
	err   error
}

// scrapeRealNode starts a two-validator network in process (node 0 with
// Prometheus on and [metrics] sources set; with a peer, CometBFT also
// serves its p2p and block-sync metrics), waits for a few blocks, fetches
// node 0's /metrics over HTTP and returns the metric family names served.
func scrapeRealNode(t *testing.T) map[string]bool {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a node")
	}
	served.once.Do(func() { served.names, served.body, served.err = scrape(t) })
	if served.err != nil {
		t.Fatal(served.err)
	}
	return served.names
}

func scrape(t *testing.T) (map[string]bool, string, error) {
	base := testports.FreeBase(t, 2)
	homes, err := WriteTestnet(t.TempDir(), TestnetOptions{ChainID: "metrics", Nodes: 2, Stake: 100, BasePort: base,
		TimeoutCommit: 100 * time.Millisecond})
	if err != nil {
		return nil, "", err
	}
	home := homes[0].Dir
	cfg, err := Load(home)
	if err != nil {
		return nil, "", err
	}
	cfg.Metrics.Sources = []string{"feed"}
	if err := cfg.Write(home); err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := Start(ctx, home, Options{})
	if err != nil {
		return nil, "", err
	}
	defer n.Stop()
	peer, err := Start(ctx, homes[1].Dir, Options{NoPrometheus: true, NoExplorer: true})
	if err != nil {
		return nil, "", err
	}
	defer peer.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for n.metrics.height.Load() < 3 { // the event follower has read blocks
		select {
		case <-ctx.Done():
			return nil, "", fmt.Errorf("node did not reach height 3: %w", ctx.Err())
		case <-tick.C:
		}
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/metrics", homes[0].Ports.Prometheus)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	if _, err := body.ReadFrom(resp.Body); err != nil {
		return nil, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body.Bytes()))
	if err != nil {
		return nil, "", fmt.Errorf("parse %s: %w", url, err)
	}
	names := map[string]bool{}
	for name := range fams {
		names[name] = true
	}
	return names, body.String(), nil
}

// docMetrics are the metric names of docs/node.md's "## Metrics" table
// (first column, in backquotes).
func docMetrics(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../docs/node.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## Metrics\n")
	if !ok {
		t.Fatal("docs/node.md has no ## Metrics section")
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `(assay_[a-z0-9_]+)` \\|")
	var out []string
	for _, m := range row.FindAllStringSubmatch(sec, -1) {
		out = append(out, m[1])
	}
	if len(out) < 20 {
		t.Fatalf("docs/node.md Metrics table: only %d metrics parsed", len(out))
	}
	return out
}

// TestMetricsEndpointMatchesDocs: a real node's metrics endpoint, fetched
// over HTTP, serves every metric docs/node.md's Metrics table names, and
// the table names every assay_* metric served.
func TestMetricsEndpointMatchesDocs(t *testing.T) {
	got := scrapeRealNode(t)
	doc := docMetrics(t)
	inDoc := map[string]bool{}
	for _, m := range doc {
		inDoc[m] = true
		if !got[m] {
			t.Errorf("docs/node.md names %s; the endpoint does not serve it", m)
		}
	}
	var undocumented []string
	for name := range got {
		if strings.HasPrefix(name, "assay_") && !inDoc[name] {
			undocumented = append(undocumented, name)
		}
	}
	sort.Strings(undocumented)
	if len(undocumented) > 0 {
		t.Errorf("served but not in docs/node.md's Metrics table: %v", undocumented)
	}
	for _, want := range []string{`assay_job_outcomes_total{status="UNAVAILABLE"} 0`, `assay_source_jobs_total{source="feed",status="ACCEPTED"} 0`,
		`assay_worker_missed_deadlines_total{when="running"} 0`} {
		if !strings.Contains(served.body, want) {
			t.Errorf("endpoint lacks the series %s", want)
		}
	}
}

// metricRef finds the metric names in a PromQL expression: identifiers of
// the assay_ and cometbft_ namespaces (label names and functions never
// start so).
var metricRef = regexp.MustCompile(`\b(?:assay|cometbft)_[a-zA-Z0-9_]+\b`)

// servedAs maps a name an expression reads to the family that serves it
// (a histogram's _bucket, _sum and _count series).
func servedAs(got map[string]bool, name string) bool {
	if got[name] {
		return true
	}
	for _, suf := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suf); ok && got[base] {
			return true
		}
	}
	return false
}

// alertRules reads docs/alerts.yml's rules: alert name and expression
// (a block scalar's lines joined). It is a line reader for this file's
// layout; promtool checks the YAML itself (TestAlertRulesPromtool).
func alertRules(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../docs/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]string{}
	var cur string
	inBlock := false
	for _, line := range strings.Split(string(b), "\n") {
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trim, "- alert: "):
			cur, inBlock = strings.TrimPrefix(trim, "- alert: "), false
		case strings.HasPrefix(trim, "expr: |"):
			inBlock = true
		case strings.HasPrefix(trim, "expr: "):
			rules[cur] = strings.TrimPrefix(trim, "expr: ")
		case inBlock && strings.HasPrefix(line, "            "):
			rules[cur] += " " + trim
		default:
			inBlock = false
		}
	}
	if len(rules) < 5 {
		t.Fatalf("docs/alerts.yml: only %d rules parsed", len(rules))
	}
	return rules
}

// TestAlertRulesReadExistingMetrics: every metric each alert of
// docs/alerts.yml reads is served by a real node under that name.
func TestAlertRulesReadExistingMetrics(t *testing.T) {
	got := scrapeRealNode(t)
	for name, expr := range alertRules(t) {
		t.Run(name, func(t *testing.T) {
			refs := metricRef.FindAllString(expr, -1)
			if len(refs) == 0 {
				t.Fatalf("expression %q reads no assay_ or cometbft_ metric", expr)
			}
			for _, m := range refs {
				if !servedAs(got, m) {
					t.Errorf("reads %s, which the node does not serve (expr %q)", m, expr)
				}
			}
		})
	}
}

// TestDashboardReadsExistingMetrics: every query of every panel of
// docs/grafana/assay.json, and its instance variable, reads metrics a real
// node serves.
func TestDashboardReadsExistingMetrics(t *testing.T) {
	got := scrapeRealNode(t)
	b, err := os.ReadFile("../docs/grafana/assay.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Query string `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("docs/grafana/assay.json: %v", err)
	}
	if len(dash.Panels) < 10 {
		t.Fatalf("only %d panels", len(dash.Panels))
	}
	exprs := map[string]string{}
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for i, tg := range p.Targets {
			exprs[fmt.Sprintf("%s/%d", p.Title, i)] = tg.Expr
		}
	}
	for i, v := range dash.Templating.List {
		exprs[fmt.Sprintf("variable %d", i)] = v.Query
	}
	for where, expr := range exprs {
		refs := metricRef.FindAllString(expr, -1)
		if len(refs) == 0 {
			t.Errorf("%s: %q reads no assay_ or cometbft_ metric", where, expr)
		}
		for _, m := range refs {
			if !servedAs(got, m) {
				t.Errorf("%s reads %s, which the node does not serve", where, m)
			}
		}
	}
}

// TestAlertRulesPromtool: docs/alerts.yml passes `promtool check rules`
// and its unit tests docs/alerts_test.yml pass `promtool test rules`
// (Debian's prometheus package; skipped without promtool).
func TestAlertRulesPromtool(t *testing.T) {
	if _, err := exec.LookPath("promtool"); err != nil {
		t.Skip("promtool not installed (apt-get install prometheus)")
	}
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		cmd := exec.Command("promtool", args...)
		cmd.Dir = "../docs"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
