package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/node/nodetest"
)

// startChain starts validator 0 of an n-validator chain in-process (the
// app and CometBFT, no worker) and returns its RPC address. With n = 1 it
// waits for block 1; with n = 2 the lone validator block-syncs, waiting
// for a peer that never comes, so /status says it is catching up.
func startChain(t *testing.T, n int) string {
	t.Helper()
	nd := nodetest.Start(t, cometnode.TestnetConfig{ChainID: "assay-failover", Validators: n,
		Fast: true, TimeoutCommit: 50 * time.Millisecond})
	c := chain.New(nd.Client())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := 0; ; i++ {
		st, err := c.Status(ctx)
		switch {
		case err != nil:
			t.Fatal(err)
		case n > 1 && st.CatchingUp, n == 1 && !st.CatchingUp && st.Height >= 1:
			return nd.RPCAddress()
		case i == 600:
			t.Fatalf("node of %d: status %+v after 30 s", n, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// deadAddr is the RPC address of a loopback port nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "tcp://" + l.Addr().String()
}

// TestNodeFailover: with several --node addresses (or $ASSAY_NODE) a
// query answers from the first node that is up and not catching up; when
// none is, the error names every address and why it was passed over.
func TestNodeFailover(t *testing.T) {
	live, syncing := startChain(t, 1), startChain(t, 2)
	dead, dead2 := deadAddr(t), deadAddr(t)
	var want bytes.Buffer
	if code := run([]string{"validators", "--json", "--node", live}, &want, new(bytes.Buffer)); code != 0 || want.Len() == 0 {
		t.Fatalf("validators from the live node: exit %d, %q", code, want.String())
	}
	cases := []struct {
		name  string
		nodes string
		env   bool // pass the list in $ASSAY_NODE instead of --node
		code  int
		want  []string // in stderr when code != 0
	}{
		{"dead then live", dead + "," + live, false, 0, nil},
		{"catching up then live", syncing + "," + live, false, 0, nil},
		{"dead, catching up, live in $ASSAY_NODE", dead + ", " + syncing + ", " + live, true, 0, nil},
		{"all dead", dead + "," + dead2, false, 1, []string{"assay validators: node unreachable: every node failed",
			dead + " (is `assay start` running?)", dead2 + " (is `assay start` running?)"}},
		{"dead and catching up", dead + "," + syncing, false, 1, []string{"node unreachable at " + dead,
			syncing + ": catching up at height"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"validators", "--json"}
			if tc.env {
				t.Setenv("ASSAY_NODE", tc.nodes)
			} else {
				args = append(args, "--node", tc.nodes)
			}
			var out, errb bytes.Buffer
			if code := run(args, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errb.String())
			}
			if tc.code == 0 && out.String() != want.String() {
				t.Errorf("answer %q, want the live node's %q", out.String(), want.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
		})
	}
}

// TestQueryAtHeight: --height reads the state committed at that height
// (the validators at height 1 are those of the last); a height the node
// does not hold fails with exit 1 and names the heights it holds.
func TestQueryAtHeight(t *testing.T) {
	live := startChain(t, 1)
	waitCommitted(t, live, 1)
	var last, at1, errb bytes.Buffer
	if code := run([]string{"validators", "--json", "--node", live}, &last, &errb); code != 0 {
		t.Fatalf("validators: exit %d, %s", code, errb.String())
	}
	if code := run([]string{"validators", "--json", "--node", live, "--height", "1"}, &at1, &errb); code != 0 {
		t.Fatalf("validators --height 1: exit %d, %s", code, errb.String())
	}
	if at1.String() != last.String() {
		t.Errorf("validators at height 1 %q, last %q", at1.String(), last.String())
	}
	errb.Reset()
	if code := run([]string{"source", "list", "--node", live, "--height", "999999999"}, new(bytes.Buffer), &errb); code != 1 ||
		!strings.Contains(errb.String(), "version not available: 999999999 (this node holds 1..") {
		t.Errorf("source list at a height not held: exit %d, stderr %q", code, errb.String())
	}
}

// waitCommitted waits until the app at addr answers queries at height h:
// CometBFT's /status counts a block before the app's Commit of it ends.
func waitCommitted(t *testing.T, addr string, h uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		_, _, err := c.QueryAt(ctx, "/validators", h)
		switch {
		case err == nil:
			return
		case i == 600:
			t.Fatalf("height %d not queryable after 30 s: %v", h, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
