package explorer

import (
	"context"
	"strconv"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
)

// Bounds of what the follower keeps and does.
const (
	keepBlocks    = 60   // recent blocks kept (status page, block interval)
	keepDatasets  = 20   // recently resolved rounds kept (status page)
	keepMarks     = 40   // recent round outcomes kept per validator (sparkline)
	maxOperators  = 1000 // validators the sparklines track
	blocksPerTick = 50   // blocks one poll reads, so a follower behind catches up in steps
	maxSubs       = 64   // live pages at once; more are refused
	pollEvery     = 250 * time.Millisecond
)

// Block is what the explorer shows of one block; it is also the JSON of
// a live "block" event.
type Block struct {
	Height    uint64 `json:"height"`
	Time      string `json:"time"` // RFC 3339, UTC, to the millisecond
	Hash      string `json:"hash"` // hex, upper case (CometBFT's form)
	Txs       int    `json:"txs"`
	Opened    int    `json:"opened"`    // rounds opened
	Resolved  int    `json:"resolved"`  // rounds resolved
	Penalties int    `json:"penalties"` // penalty events
	unix      int64
}

// Resolved is a round that resolved in a recent block.
type Resolved struct {
	Source, Status, OutputCID string
	Round, Height             uint64
}

// Mark is one recent round outcome of a validator: a reveal that opened
// its commit, or a penalty (which replaces the reveal of the same round).
type Mark struct {
	Height  uint64 // the block of the reveal or penalty
	Source  string
	Round   uint64
	Penalty string // "" for a reveal, else the penalty's kind
}

// follower reads each new block's header and results once and keeps the
// recent ones, the validators' recent outcomes, and the live subscribers.
type follower struct {
	mu       sync.Mutex
	next     uint64 // next height to read; 0: not started
	blocks   []Block
	resolved []Resolved
	marks    map[string][]Mark // operator hex → outcomes, oldest first
	subs     map[chan Block]struct{}
}

func newFollower() *follower {
	return &follower{marks: map[string][]Mark{}, subs: map[chan Block]struct{}{}}
}

// run polls the chain until ctx ends.
func (x *Explorer) run(ctx context.Context) {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		if err := x.poll(ctx); err != nil && ctx.Err() == nil {
			x.log.Debug("explorer: follow", "err", err)
		}
		select {
		case <-ctx.Done():
			x.f.closeSubs()
			return
		case <-tick.C:
		}
	}
}

// poll reads the blocks since the last poll (at most blocksPerTick; on
// the first poll the last keepBlocks only).
func (x *Explorer) poll(ctx context.Context) error {
	h, err := x.c.Height(ctx)
	if err != nil && h == 0 {
		return err
	}
	x.f.mu.Lock()
	next := x.f.next
	x.f.mu.Unlock()
	if next == 0 {
		next = uint64(max(int64(h)-keepBlocks+1, 1))
	}
	for n := 0; next <= h && n < blocksPerTick; n++ {
		b, err := x.readBlock(ctx, next)
		if err != nil {
			return err
		}
		x.f.add(b)
		next++
		x.f.mu.Lock()
		x.f.next = next
		x.f.mu.Unlock()
	}
	return nil
}

// blockRead is one block as read from the chain.
type blockRead struct {
	Block
	resolved []Resolved
	marks    map[string][]Mark
}

func (x *Explorer) readBlock(ctx context.Context, h uint64) (blockRead, error) {
	hh := int64(h)
	hdr, err := x.c.RPC().Header(ctx, &hh)
	if err != nil {
		return blockRead{}, err
	}
	res, err := x.c.RPC().BlockResults(ctx, &hh)
	if err != nil {
		return blockRead{}, err
	}
	t := hdr.Header.Time.UTC()
	b := blockRead{Block: Block{Height: h, Time: t.Format("2006-01-02T15:04:05.000Z"), Hash: hdr.Header.Hash().String(),
		Txs: len(res.TxsResults), unix: t.UnixNano()}, marks: map[string][]Mark{}}
	for _, e := range res.FinalizeBlockEvents {
		a := attrs(e)
		switch e.Type {
		case state.EventAssign:
			b.Opened++
		case state.EventRoundClosed:
			if a[state.AttrPhase] != pb.Phase_PHASE_RESOLVED.String() {
				continue
			}
			b.Resolved++
			r, _ := strconv.ParseUint(a[state.AttrRound], 10, 64)
			b.resolved = append(b.resolved, Resolved{Source: a[state.AttrSource], Status: a[state.AttrStatus],
				OutputCID: a[state.AttrOutputCID], Round: r, Height: h})
		case state.EventPenalty:
			b.Penalties++
		}
	}
	if b.Penalties > 0 {
		// the penalty events name no round: the evidence of the block does
		ev, _, err := chain.Get[state.Page[state.EvidenceView]](ctx, x.c, state.PathEvidencePage(state.ListOptions{Limit: state.MaxLimit, FromHeight: h, ToHeight: h}))
		if err != nil {
			return blockRead{}, err
		}
		for _, e := range ev.Items {
			b.marks[e.Operator] = append(b.marks[e.Operator], Mark{Height: h, Source: e.Source, Round: e.Round, Penalty: e.Kind})
		}
	}
	for _, tr := range res.TxsResults {
		signer := ""
		for _, e := range tr.Events {
			a := attrs(e)
			switch e.Type {
			case state.EventTx:
				signer = a[state.AttrSigner]
			case state.EventReveal:
				if a[state.AttrResult] == state.OutcomeOK && signer != "" {
					r, _ := strconv.ParseUint(a[state.AttrRound], 10, 64)
					b.marks[signer] = append(b.marks[signer], Mark{Height: h, Source: a[state.AttrSource], Round: r})
				}
			}
		}
	}
	return b, nil
}

// add keeps block b and sends it to every live subscriber (a subscriber
// too slow to take it misses it: the page shows the next one).
func (f *follower) add(b blockRead) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.blocks = append(f.blocks, b.Block)
	if len(f.blocks) > keepBlocks {
		f.blocks = f.blocks[len(f.blocks)-keepBlocks:]
	}
	f.resolved = append(f.resolved, b.resolved...)
	if len(f.resolved) > keepDatasets {
		f.resolved = f.resolved[len(f.resolved)-keepDatasets:]
	}
	for op, ms := range b.marks {
		if _, ok := f.marks[op]; !ok && len(f.marks) >= maxOperators {
			continue
		}
		all := f.marks[op]
		for _, m := range ms {
			all = addMark(all, m)
		}
		if len(all) > keepMarks {
			all = all[len(all)-keepMarks:]
		}
		f.marks[op] = all
	}
	for ch := range f.subs {
		select {
		case ch <- b.Block:
		default:
		}
	}
}

// addMark appends m to ms, or, for a penalty of a round that ms holds a
// reveal of, puts it in the reveal's place: one mark per round.
func addMark(ms []Mark, m Mark) []Mark {
	if m.Penalty != "" && m.Source != "" {
		for i := len(ms) - 1; i >= 0; i-- {
			if ms[i].Source == m.Source && ms[i].Round == m.Round {
				ms[i] = m
				return ms
			}
		}
	}
	return append(ms, m)
}

// snapshot returns copies of the recent blocks (newest first) and
// resolved rounds (newest first).
func (f *follower) snapshot() ([]Block, []Resolved) {
	f.mu.Lock()
	defer f.mu.Unlock()
	bs := make([]Block, len(f.blocks))
	for i, b := range f.blocks {
		bs[len(bs)-1-i] = b
	}
	rs := make([]Resolved, len(f.resolved))
	for i, r := range f.resolved {
		rs[len(rs)-1-i] = r
	}
	return bs, rs
}

// marksOf returns a copy of operator op's recent outcomes, oldest first.
func (f *follower) marksOf(op string) []Mark {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Mark(nil), f.marks[op]...)
}

// subscribe registers a live subscriber; nil when maxSubs are open.
func (f *follower) subscribe() chan Block {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.subs) >= maxSubs || f.subs == nil {
		return nil
	}
	ch := make(chan Block, 8)
	f.subs[ch] = struct{}{}
	return ch
}

func (f *follower) unsubscribe(ch chan Block) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.subs[ch]; ok {
		delete(f.subs, ch)
		close(ch)
	}
}

// closeSubs ends every live subscription and refuses new ones.
func (f *follower) closeSubs() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		close(ch)
	}
	f.subs = nil
}

func attrs(e abci.Event) map[string]string {
	m := make(map[string]string, len(e.Attributes))
	for _, a := range e.Attributes {
		m[a.Key] = a.Value
	}
	return m
}

// shortHex abbreviates a hex string for a table cell.
func shortHex(s string) string {
	if len(s) <= 12 {
		return s
	}
	return s[:6] + "…" + s[len(s)-4:]
}
