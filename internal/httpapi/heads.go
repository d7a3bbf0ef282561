package httpapi

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
)

// heads wakes the streams: next returns a channel that is closed at the
// next new block (or poll), so a stream that took it before it looked
// for datasets cannot miss a block that came while it looked.
type heads struct {
	mu sync.Mutex
	ch chan struct{}
}

func newHeads() *heads { return &heads{ch: make(chan struct{})} }

func (h *heads) next() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ch
}

func (h *heads) bump() {
	h.mu.Lock()
	defer h.mu.Unlock()
	close(h.ch)
	h.ch = make(chan struct{})
}

// subscribers numbers the servers' event bus subscriptions (one name per
// server: several nodes in one process share nothing, but the names stay
// distinct anyway).
var subscribers atomic.Uint64

// Follow wakes the streams on every NewBlock event of Config.Bus and every
// Config.Poll, until ctx ends. A subscription the bus cancels (a full
// buffer) is made again; meanwhile the poll keeps the streams moving.
func (s *Server) Follow(ctx context.Context) {
	name := fmt.Sprintf("assay-httpapi-%d", subscribers.Add(1))
	tick := time.NewTicker(s.cfg.Poll)
	defer tick.Stop()
	for ctx.Err() == nil {
		var out <-chan struct{}
		var canceled <-chan struct{}
		var sub cmttypes.Subscription
		if s.cfg.Bus != nil {
			var err error
			sub, err = s.cfg.Bus.Subscribe(ctx, name, cmttypes.EventQueryNewBlock, 8)
			if err != nil {
				s.cfg.Logger.Warn("api: subscribe to new blocks; polling", "err", err)
			} else {
				out, canceled = relay(ctx, sub), sub.Canceled()
			}
		}
		s.followSub(ctx, tick, out, canceled)
		if sub != nil {
			_ = s.cfg.Bus.Unsubscribe(context.Background(), name, cmttypes.EventQueryNewBlock)
		}
	}
}

// relay turns a subscription's messages into wake-ups; it ends with ctx
// or the subscription.
func relay(ctx context.Context, sub cmttypes.Subscription) <-chan struct{} {
	out := make(chan struct{}, 1)
	go func() {
		for {
			select {
			case <-sub.Out():
				select {
				case out <- struct{}{}:
				default: // a wake-up is pending already
				}
			case <-sub.Canceled():
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// followSub bumps the heads on each wake-up until ctx ends or the
// subscription is canceled; with no subscription (out nil) it polls and
// returns after one tick so that Follow tries to subscribe again.
func (s *Server) followSub(ctx context.Context, tick *time.Ticker, out, canceled <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-canceled:
			return
		case <-out:
			s.heads.bump()
		case <-tick.C:
			s.heads.bump()
			if out == nil {
				return
			}
		}
	}
}
