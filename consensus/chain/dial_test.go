package chain_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/node/nodetest"
)

// closedAddr returns the RPC address of a loopback port nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "tcp://" + addr
}

// startCatchingUp starts validator 0 of a two-validator chain alone: it
// block-syncs, waiting for a peer that never comes, so /status says it is
// catching up. It returns the node's RPC address once it does.
func startCatchingUp(t *testing.T) string {
	t.Helper()
	nd := nodetest.Start(t, node.TestnetConfig{ChainID: chainID, Validators: 2, Fast: true})
	c := chain.New(nd.Client())
	st, err := c.Status(ctxT(t))
	if err != nil || !st.CatchingUp {
		t.Fatalf("lone validator of two: status %+v, %v; want catching up", st, err)
	}
	return nd.RPCAddress()
}

// TestDial checks that Dial takes the first node of a list that answers
// and is not catching up, and names every node when none does.
func TestDial(t *testing.T) {
	live := startNode(t).RPCAddress()
	syncing := startCatchingUp(t)
	dead, dead2 := closedAddr(t), closedAddr(t)
	cases := []struct {
		name, addrs string
		want        string   // the address Dial picks
		wantErr     []string // or the error's parts
	}{
		{"one live", live, live, nil},
		{"one dead is not probed", dead, dead, nil},
		{"dead then live", dead + "," + live, live, nil},
		{"catching up then live", syncing + "," + live, live, nil},
		{"blanks skipped", " , " + dead + " ,, " + live + " ", live, nil},
		{"live first", live + "," + dead, live, nil},
		{"every node dead", dead + "," + dead2, "", []string{"node unreachable: every node failed",
			"node unreachable at " + dead + " (is `assay start` running?)", "node unreachable at " + dead2}},
		{"dead and catching up", dead + "," + syncing, "", []string{dead, syncing + ": catching up at height 0"}},
		{"no address", " , ", "", []string{`no node address in " , "`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, addr, err := chain.Dial(ctx, tc.addrs)
			if tc.wantErr == nil {
				if err != nil || c == nil || addr != tc.want {
					t.Fatalf("Dial(%q) = %v, %q, %v; want %q", tc.addrs, c, addr, err, tc.want)
				}
				if addr == live {
					if _, err := c.Height(ctx); err != nil {
						t.Fatalf("the chosen node does not answer: %v", err)
					}
				}
				return
			}
			if err == nil || !errors.Is(err, chain.ErrNodeDown) {
				t.Fatalf("Dial(%q) = %q, %v; want an ErrNodeDown", tc.addrs, addr, err)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestRPCError checks that only a refused connection becomes ErrNodeDown.
func TestRPCError(t *testing.T) {
	dead := closedAddr(t)
	c, _, err := chain.Dial(context.Background(), dead)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Height(ctxT(t))
	if got := chain.RPCError(dead, err); !errors.Is(got, chain.ErrNodeDown) || !strings.Contains(got.Error(), dead) {
		t.Errorf("RPCError(refused) = %v; want ErrNodeDown naming %s", got, dead)
	}
	other := fmt.Errorf("chain: query x: code 3: bad")
	if got := chain.RPCError(dead, other); got != other {
		t.Errorf("RPCError(other) = %v; want it unchanged", got)
	}
}
