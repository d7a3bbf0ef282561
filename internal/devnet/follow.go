package devnet

import (
	"context"
	"fmt"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"
	rpcclient "github.com/cometbft/cometbft/rpc/client"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
)

// maxBlocksPerRefresh bounds the blocks one refresh of the view reads, so
// a view that fell behind still redraws while it catches up.
const maxBlocksPerRefresh = 200

// roundLog follows the chain's FinalizeBlock events block by block and
// keeps running totals of rounds, so a refresh costs the new blocks only
// (querying every source's rounds costs the whole history each time).
type roundLog struct {
	next       uint64 // next height to read
	assigned   int    // rounds opened ("assign" events)
	unresolved int
	datasets   []Dataset // resolved rounds, in block order
	// resolveBlocks sums, over resolved rounds, the blocks from the
	// round's height to the block that resolved it.
	resolveBlocks uint64
	maxResolve    uint64 // the most blocks any resolved round took
}

func newRoundLog() *roundLog { return &roundLog{next: 1} }

// follow reads the block results of heights up to height (at most
// maxBlocksPerRefresh of them).
func (l *roundLog) follow(ctx context.Context, c rpcclient.Client, height uint64) error {
	for n := 0; l.next <= height && n < maxBlocksPerRefresh; n++ {
		h := int64(l.next)
		r, err := c.BlockResults(ctx, &h)
		if err != nil {
			return fmt.Errorf("block results %d: %w", h, err)
		}
		if err := l.apply(l.next, r.FinalizeBlockEvents); err != nil {
			return err
		}
		l.next++
	}
	return nil
}

// apply adds the block-level events of height h.
func (l *roundLog) apply(h uint64, events []abci.Event) error {
	for _, e := range events {
		switch e.Type {
		case state.EventAssign:
			l.assigned++
		case state.EventRoundClosed:
			a := eventAttrs(e)
			round, err := strconv.ParseUint(a[state.AttrRound], 10, 64)
			if err != nil || round > h {
				return fmt.Errorf("block %d: bad %s round %q", h, state.EventRoundClosed, a[state.AttrRound])
			}
			if a[state.AttrPhase] != pb.Phase_PHASE_RESOLVED.String() {
				l.unresolved++
				continue
			}
			l.datasets = append(l.datasets, Dataset{Source: a[state.AttrSource], Height: round, Status: a[state.AttrStatus], CID: a[state.AttrOutputCID], ResolvedAt: h})
			l.resolveBlocks += h - round
			l.maxResolve = max(l.maxResolve, h-round)
		}
	}
	return nil
}

// open is the number of rounds opened and not yet closed.
func (l *roundLog) open() int { return l.assigned - l.unresolved - len(l.datasets) }

// eventAttrs maps an event's attribute keys to values.
func eventAttrs(e abci.Event) map[string]string {
	m := make(map[string]string, len(e.Attributes))
	for _, a := range e.Attributes {
		m[a.Key] = a.Value
	}
	return m
}
