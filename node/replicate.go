package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/internal/ctxsleep"
	"github.com/assaynet/assay/node/replica"
)

// startReplication starts the libp2p host ([bitswap] listen), the
// replicator ([replicate] enabled) and the announcement of the node's
// retrieval addresses ([replicate] announce), each until ctx ends.
func (n *Node) startReplication(ctx context.Context) error {
	if l := n.cfg.Bitswap.Listen; len(l) > 0 {
		key, err := replica.LoadOrCreateKey(Path(n.Home, n.cfg.Bitswap.KeyFile))
		if err != nil {
			return err
		}
		if n.P2P, err = replica.NewHost(ctx, key, l, n.store.Blockstore()); err != nil {
			return err
		}
	}
	r := n.cfg.Replicate
	if r.Enabled {
		n.Replica = replica.New(replica.Config{
			Chain: n.RPC.Chain(), Store: n.store, Host: n.P2P, CursorFile: Path(n.Home, r.CursorFile),
			Inputs: r.Inputs, Concurrency: r.Concurrency, Timeout: time.Duration(r.Timeout), Attempts: r.Attempts,
			MaxBytes: r.MaxBytes, Logger: n.log.With("part", "replicate"),
		})
		n.wg.Add(1)
		go func() { defer n.wg.Done(); _ = n.Replica.Run(ctx) }()
	}
	if r.Announce {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			if err := n.announce(ctx); err != nil && ctx.Err() == nil {
				n.log.Warn("announce retrieval addresses", "err", err)
			}
		}()
	}
	return nil
}

// RetrievalAddrs returns what the node announces: its gateway URL and
// its libp2p multiaddrs with /p2p/<peer id>.
func (n *Node) RetrievalAddrs() (gateway string, multiaddrs []string) {
	gateway = n.cfg.Gateway.PublicURL
	if gateway == "" {
		gateway = n.Gateway
	}
	if n.P2P == nil {
		return gateway, nil
	}
	if a := n.cfg.Bitswap.Announce; len(a) > 0 {
		for _, m := range a {
			multiaddrs = append(multiaddrs, strings.TrimRight(m, "/")+"/p2p/"+n.P2P.P2P.ID().String())
		}
		return gateway, multiaddrs
	}
	return gateway, n.P2P.Addrs()
}

// announceAttempts bounds the tries of the start-up announcement,
// announceWait how long one waits for its tx to land.
const (
	announceAttempts = 10
	announceWait     = 15 * time.Second
)

// announce sends an AnnounceRetrieval tx when the chain's record of the
// operator differs from RetrievalAddrs, retrying with backoff (the
// worker may use the operator's sequence at the same time).
func (n *Node) announce(ctx context.Context) error {
	gw, mas := n.RetrievalAddrs()
	if len(mas) > state.MaxMultiaddrs {
		mas = mas[:state.MaxMultiaddrs]
	}
	c := n.RPC.Chain()
	if err := waitStarted(ctx, c); err != nil {
		return err
	}
	wait := 500 * time.Millisecond
	var last error
	for range announceAttempts {
		done, err := n.announceOnce(ctx, c, gw, mas)
		if done {
			return nil
		}
		last = err
		n.log.Info("announce retrieval addresses: retrying", "in", wait, "err", err)
		if err := ctxsleep.Sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, 10*time.Second)
	}
	return fmt.Errorf("gave up after %d attempts: %w", announceAttempts, last)
}

// announceOnce sends the announcement unless the chain already holds it,
// and reports whether the chain holds it now.
func (n *Node) announceOnce(ctx context.Context, c *chain.Client, gw string, mas []string) (bool, error) {
	cur, _, err := chain.Get[state.RetrievalView](ctx, c, state.PathRetrieval(n.Operator))
	switch {
	case err == nil && cur.Gateway == gw && slices.Equal(cur.Multiaddrs, mas):
		return true, nil
	case err != nil && !errors.Is(err, state.ErrNotFound):
		return false, err
	}
	// bounded: a tx dropped from the mempool is sent again by the next attempt
	ctx, cancel := context.WithTimeout(ctx, announceWait)
	defer cancel()
	s := chain.NewSender(pendingAware{c}, n.ChainID, n.key)
	if _, _, err := s.SendAndWait(ctx, c, tx.AnnounceRetrievalBody(gw, mas)); err != nil {
		return false, err
	}
	n.log.Info("announced retrieval addresses", "gateway", gw, "multiaddrs", mas)
	return true, nil
}

// waitStarted waits until the chain has a block and the node is not
// catching up (polling every 250 ms), or ctx ends.
func waitStarted(ctx context.Context, c *chain.Client) error {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		if h, err := c.Height(ctx); err == nil && h > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// maxPendingScan bounds the mempool txs pendingAware reads.
const maxPendingScan = 1000

// pendingAware is a chain.Mempool whose Sequence counts the account's
// txs waiting in the mempool, as CheckTx does: the node's worker may
// have Commit or Reveal txs of the same account in flight.
type pendingAware struct {
	*chain.Client
}

func (p pendingAware) Sequence(ctx context.Context, addr []byte) (uint64, error) {
	seq, err := p.Client.Sequence(ctx, addr)
	if err != nil {
		return 0, err
	}
	limit := maxPendingScan
	res, err := p.Client.RPC().UnconfirmedTxs(ctx, &limit)
	if err != nil {
		return seq, nil // the committed sequence; a refusal makes Send resync
	}
	for _, raw := range res.Txs {
		d, err := tx.Decode(raw, len(raw))
		if err == nil && bytes.Equal(d.Address, addr) && d.Tx.Sequence >= seq {
			seq = d.Tx.Sequence + 1
		}
	}
	return seq, nil
}
