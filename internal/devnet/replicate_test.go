package devnet

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/ipfs/boxo/bitswap"
	bsnet "github.com/ipfs/boxo/bitswap/network/bsnet"
	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	unixfsio "github.com/ipfs/boxo/ipld/unixfs/io"
	cid "github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/dataset"
	"github.com/assaynet/assay/node"
	"github.com/assaynet/assay/runtime/pin"
)

// replicateDelay is the stated bound: every node's gateway serves an
// agreed dataset's output, verified, within this long after the block
// that resolved it.
const replicateDelay = 5 * time.Second

// TestEveryDatasetOnEveryNode runs four nodes with two replicas per
// round, so two nodes attest each dataset and two do not. Every node
// announces its retrieval addresses on chain; every dataset's output ends
// up pinned on all four (fetched over bitswap, none from a gateway),
// each gateway serving the verified bytes within replicateDelay of the
// resolving block; and a plain IPFS peer (boxo's bitswap client on its
// own libp2p host) fetches a dataset by CID from a node that did not
// attest it, and `assay dataset get`'s gateway list (a dead local
// gateway, then the announced ones) serves it verified. With ASSAY_E2E=1 it follows 30 datasets and logs the delay
// from resolution until a dataset is on all four nodes (p50, max).
func TestEveryDatasetOnEveryNode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four CometBFT nodes")
	}
	want := 4
	if os.Getenv("ASSAY_E2E") == "1" {
		want = 30
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	d, c := startReplicating(ctx, t)
	defer d.Stop()
	t.Logf("every node announced its addresses %v after the start", time.Since(d.Started).Round(time.Millisecond))

	var delays []time.Duration
	seen := map[uint64]bool{}
	var last state.DatasetView
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for len(delays) < want {
		latest, _, err := c.LatestDataset(ctx, "btc-usd", "")
		if err == nil && !seen[latest.Round] {
			seen[latest.Round] = true
			delays = append(delays, onAllNodes(ctx, t, d.Nodes, latest))
			last = latest
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d datasets replicated: %v", len(delays), want, ctx.Err())
		case <-tick.C:
		}
	}
	// a gateway serves blocks as soon as they are stored: wait until every
	// replicator has finished the last dataset before reading its counters
	for _, n := range d.Nodes {
		waitCursor(ctx, t, n, last.Height)
	}
	fetched := uint64(0)
	for i, n := range d.Nodes {
		s := n.Replica.Stats()
		if s.Failed != 0 || s.Gateway != 0 {
			t.Errorf("node %d: %+v: want no failure and nothing from a gateway", i, s)
		}
		fetched += s.Fetched
	}
	// each dataset has two attesters, which pinned it themselves, and two
	// nodes that fetched it (or already held the same bytes)
	if fetched == 0 {
		t.Errorf("no output fetched over bitswap for %d datasets", len(delays))
	}
	slices.Sort(delays)
	t.Logf("time from resolution until a dataset is on all 4 nodes: p50 %v, max %v (%d datasets, %d replicas per round)",
		delays[len(delays)/2].Round(time.Millisecond), delays[len(delays)-1].Round(time.Millisecond), len(delays), 2)
	plainPeerFetch(ctx, t, d.Nodes, last)
	announcedGatewayFetch(ctx, t, c, last)
}

// announcedGatewayFetch is `assay dataset get` without --gateway: a dead
// local gateway first, then the gateways announced on chain, the answer
// verified against the CID.
func announcedGatewayFetch(ctx context.Context, t *testing.T, c *chain.Client, d state.DatasetView) {
	t.Helper()
	dead := "http://127.0.0.1:1"
	gws, err := dataset.AnnouncedGateways(ctx, c, dead)
	if err != nil || len(gws) != 5 || gws[0] != dead {
		t.Fatalf("gateways %v, %v: want the dead one and four announced", gws, err)
	}
	id, err := cid.Decode(d.OutputCID)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	if _, err := dataset.FromGateways(ctx, gws, id, false, func(m string) { notes = append(notes, m) }); err != nil || len(notes) != 1 {
		t.Fatalf("from announced gateways: %v (notes %q)", err, notes)
	}
}

// waitCursor waits until n's replicator is done with every dataset
// resolved at or below height h.
func waitCursor(ctx context.Context, t *testing.T, n *node.Node, h uint64) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for n.Replica.Stats().Cursor < h {
		select {
		case <-ctx.Done():
			t.Fatalf("replication cursor %d, want ≥ %d: %v", n.Replica.Stats().Cursor, h, ctx.Err())
		case <-tick.C:
		}
	}
}

// waitAnnounced waits until the chain holds every node's retrieval
// addresses as the node reports them.
func waitAnnounced(ctx context.Context, t *testing.T, c *chain.Client, nodes []*node.Node) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		rs, err := c.Retrievals(ctx)
		if err == nil && len(rs) == len(nodes) {
			for i, n := range nodes {
				gw, mas := n.RetrievalAddrs()
				if rs[i].Gateway == "" || !slices.ContainsFunc(rs, func(r state.RetrievalView) bool {
					return r.Gateway == gw && slices.Equal(r.Multiaddrs, mas)
				}) {
					t.Fatalf("node %d announced %+v, want %s %v", i, rs, gw, mas)
				}
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("retrieval addresses: %v (%d records)", ctx.Err(), len(rs))
		case <-tick.C:
		}
	}
}

// onAllNodes waits until every node's gateway serves d's output with
// verified bytes, fails the test after replicateDelay, and returns the
// delay from d's resolving block.
func onAllNodes(ctx context.Context, t *testing.T, nodes []*node.Node, d state.DatasetView) time.Duration {
	t.Helper()
	resolved, err := time.Parse(time.RFC3339Nano, d.Time)
	if err != nil {
		t.Fatal(err)
	}
	id, err := cid.Decode(d.OutputCID)
	if err != nil {
		t.Fatal(err)
	}
	deadline := resolved.Add(replicateDelay)
	pending := slices.Clone(nodes)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		pending = slices.DeleteFunc(pending, func(n *node.Node) bool {
			gctx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			_, err := dataset.FromGateway(gctx, n.Gateway, id, false) // verifies every byte against id
			return err == nil
		})
		if len(pending) == 0 {
			return time.Since(resolved)
		}
		if time.Now().After(deadline) {
			t.Fatalf("round %d (%s, attesters %v) not on %d nodes within %v of resolution", d.Round, id, d.Attesters, len(pending), replicateDelay)
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-tick.C:
		}
	}
}

// plainPeerFetch fetches d's output by CID as any IPFS peer would: its
// own libp2p host, boxo's bitswap client over a memory blockstore, one
// connection to a node that did not attest d, and a UnixFS read of the
// DAG. The bytes must hash back to the CID.
func plainPeerFetch(ctx context.Context, t *testing.T, nodes []*node.Node, d state.DatasetView) {
	t.Helper()
	var from *node.Node
	for _, n := range nodes {
		if !slices.Contains(d.Attesters, fmt.Sprintf("%x", n.Operator)) {
			from = n
		}
	}
	if from == nil {
		t.Fatalf("every node attested %+v", d)
	}
	h, err := libp2p.New(libp2p.NoListenAddrs, libp2p.NoTransports, libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Security(noise.ID, noise.New), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	bs := blockstore.NewBlockstore(dssync.MutexWrap(ds.NewMapDatastore()))
	client := bitswap.New(ctx, bsnet.NewFromIpfsHost(h), nil, bs, bitswap.WithServerEnabled(false))
	defer client.Close()
	_, mas := from.RetrievalAddrs()
	m, err := ma.NewMultiaddr(mas[0])
	if err != nil {
		t.Fatal(err)
	}
	ai, err := peer.AddrInfoFromP2pAddr(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Connect(ctx, *ai); err != nil {
		t.Fatal(err)
	}
	id, err := cid.Decode(d.OutputCID)
	if err != nil {
		t.Fatal(err)
	}
	fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	dag := merkledag.NewDAGService(blockservice.New(bs, client))
	root, err := dag.Get(fctx, id)
	if err != nil {
		t.Fatalf("bitswap get %s from %s: %v", id, ai.ID, err)
	}
	r, err := unixfsio.NewDagReader(fctx, root, dag)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := pin.SumBytes(b); err != nil || !got.Equals(id) {
		t.Fatalf("%d bytes from bitswap hash to %s, want %s", len(b), got, id)
	}
	if len(b) == 0 {
		t.Fatal("empty output")
	}
}

// startReplicating starts a four-node devnet (blocks every 300 ms,
// windows of four blocks) with source btc-usd registered (a round every
// second block, two replicas, the echo validator) and returns it with
// node 0's chain client once every node announced its retrieval
// addresses. The caller stops it (before ctx ends).
func startReplicating(ctx context.Context, t *testing.T) (*Net, *chain.Client) {
	t.Helper()
	d, err := Start(ctx, t.TempDir(), Config{Validators: 4, BasePort: freeBase(t, 4), BlockTime: 300 * time.Millisecond,
		CacheDir: t.TempDir(), GenesisParams: `{"commit_window":"4","reveal_window":"4"}`})
	if err != nil {
		t.Fatal(err)
	}
	ok := false
	defer func() {
		if !ok { // a failure below
			d.Stop()
		}
	}()
	wasm, err := os.ReadFile(echoWasm)
	if err != nil {
		t.Fatal(err)
	}
	if err := RegisterSources(ctx, d, wasm, nil, Sources{Symbols: []string{"BTC-USD"}, Every: 2, Replicas: 2}); err != nil {
		t.Fatal(err)
	}
	c := d.Nodes[0].RPC.Chain()
	waitAnnounced(ctx, t, c, d.Nodes)
	ok = true
	return d, c
}

// TestReplicateAfterRestart (ASSAY_E2E=1): a node that was down while
// datasets resolved fetches every one of them once it restarts, from
// its replication cursor: nothing resolved during the outage is lost.
func TestReplicateAfterRestart(t *testing.T) {
	if os.Getenv("ASSAY_E2E") != "1" {
		t.Skip("ASSAY_E2E=1: stops and restarts a node of a four-node devnet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	d, c := startReplicating(ctx, t)
	defer d.Stop()
	home := d.Nodes[3].Home
	d.Nodes[3].Stop()
	down, err := c.Height(ctx)
	if err != nil {
		t.Fatal(err)
	}
	missed := waitDatasets(ctx, t, c, down, 6)
	n, err := node.Start(ctx, home, node.Options{Runtime: d.Runtime, NoPrometheus: true})
	if err != nil {
		t.Fatal(err)
	}
	d.Nodes[3] = n
	restarted := time.Now()
	for _, ds := range missed {
		id, err := cid.Decode(ds.OutputCID)
		if err != nil {
			t.Fatal(err)
		}
		waitGateway(ctx, t, n.Gateway, id)
	}
	t.Logf("node 3 had the %d datasets resolved while it was down %v after its restart", len(missed), time.Since(restarted).Round(time.Millisecond))
	if s := n.Replica.Stats(); s.Fetched < uint64(len(missed)) || s.Failed != 0 {
		t.Errorf("node 3 after restart: %+v, want ≥ %d fetched, none failed", s, len(missed))
	}
}

// waitDatasets waits until at least n datasets of btc-usd resolved after
// height after and returns them.
func waitDatasets(ctx context.Context, t *testing.T, c *chain.Client, after uint64, n int) []state.DatasetView {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ds, err := chain.All[state.DatasetView](ctx, c, func(cursor string) string {
			return state.PathDatasets("btc-usd", state.ListOptions{Cursor: cursor, FromHeight: after + 1})
		})
		if err == nil && len(ds) >= n {
			return ds
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d datasets after height %d: %v", len(ds), after, ctx.Err())
		case <-tick.C:
		}
	}
}

// waitGateway waits until gw serves id's verified bytes.
func waitGateway(ctx context.Context, t *testing.T, gw string, id cid.Cid) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		gctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := dataset.FromGateway(gctx, gw, id, false)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s not on %s: %v (last: %v)", id, gw, ctx.Err(), err)
		case <-tick.C:
		}
	}
}
