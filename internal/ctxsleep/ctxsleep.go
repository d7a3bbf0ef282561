// Package ctxsleep waits for a duration or for a context to end, for the
// retry loops with backoff (the replicator, the retrieval announcement,
// the consumer's stream, the HTTP fetcher).
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends; it returns ctx.Err() in that case and
// nil otherwise.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
