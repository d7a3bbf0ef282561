package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/assaynet/assay/consensus/state"
)

// Stream parameters and limits.
const (
	// ParamAfter is the stream's cursor parameter (Last-Event-ID wins).
	ParamAfter = "after"
	// EventReady is the event a stream starts with: its data is a
	// StreamStart and its id the cursor the stream starts after.
	EventReady = "ready"
	// window is the span of resolving heights one catch-up step lists.
	window = 1000
	// maxWindowPages bounds the pages of one window.
	maxWindowPages = 100
	// maxWindows bounds the windows one wake-up walks; a stream further
	// behind goes on at the next wake-up.
	maxWindows = 10_000
	// retryMillis is the reconnection delay the stream asks clients for.
	retryMillis = 1000
)

// wholeHeight in a Cursor's Round means after every dataset of Height.
const wholeHeight = ^uint64(0)

// Cursor is a position in a source's datasets in resolution order: after
// the dataset of Round resolved at Height, or after all of Height when
// Round is wholeHeight. Its text is "H.R", or "H".
type Cursor struct{ Height, Round uint64 }

// ParseCursor parses "H.R" or "H".
func ParseCursor(s string) (Cursor, error) {
	hs, rs, hasRound := strings.Cut(s, ".")
	h, err := strconv.ParseUint(hs, 10, 64)
	c := Cursor{Height: h, Round: wholeHeight}
	if err == nil && hasRound {
		c.Round, err = strconv.ParseUint(rs, 10, 64)
		if c.Round == wholeHeight {
			err = errors.New("round out of range")
		}
	}
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: cursor %q: want HEIGHT.ROUND or HEIGHT (an event id)", errBadParam, s)
	}
	return c, nil
}

func (c Cursor) String() string {
	if c.Round == wholeHeight {
		return strconv.FormatUint(c.Height, 10)
	}
	return strconv.FormatUint(c.Height, 10) + "." + strconv.FormatUint(c.Round, 10)
}

// before reports whether c is strictly before d.
func (c Cursor) before(d Cursor) bool {
	return c.Height < d.Height || (c.Height == d.Height && c.Round < d.Round)
}

// StreamStart is the data of a stream's ready event.
type StreamStart struct {
	Source string `json:"source"`
	After  string `json:"after"` // the cursor the stream starts after
	Status string `json:"status,omitempty"`
}

// stream is GET /sources/{id}/datasets/stream: every dataset resolved
// after the cursor, in resolution order, then each new one as its block
// commits.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := params(r, []string{ParamAfter, state.ParamStatus}); err != nil {
		s.fail(w, err)
		return
	}
	after := r.Header.Get("Last-Event-ID")
	if after == "" {
		after = r.URL.Query().Get(ParamAfter)
	}
	status := r.URL.Query().Get(state.ParamStatus)
	if n := s.streams.Add(1); n > int64(s.cfg.MaxStreams) {
		s.streams.Add(-1)
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("%d streams are open, the most this node serves", s.cfg.MaxStreams))
		return
	}
	defer s.streams.Add(-1)
	cur, err := s.startCursor(r.Context(), id, status, after)
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	sw := &sseWriter{w: w, rc: http.NewResponseController(w)}
	start, _ := json.Marshal(StreamStart{Source: id, After: cur.String(), Status: status})
	if err := sw.write(fmt.Sprintf("retry: %d\nid: %s\nevent: %s\ndata: %s\n\n", retryMillis, cur, EventReady, start)); err != nil {
		return
	}
	s.follow(r.Context(), sw, id, status, cur)
}

// startCursor checks the source and status (404, 400) and returns the
// cursor to start after: after's, or the committed height (only new
// datasets) when after is "".
func (s *Server) startCursor(ctx context.Context, id, status, after string) (Cursor, error) {
	_, h, err := s.cfg.Chain.Datasets(ctx, id, state.ListOptions{Limit: 1, Status: status})
	if err != nil {
		return Cursor{}, err
	}
	if after == "" {
		return Cursor{Height: h, Round: wholeHeight}, nil
	}
	return ParseCursor(after)
}

// follow sends every dataset after cur, then waits for a new block (or a
// heartbeat) and does it again, until ctx ends or a write fails.
func (s *Server) follow(ctx context.Context, sw *sseWriter, id, status string, cur Cursor) {
	hb := time.NewTicker(s.cfg.Heartbeat)
	defer hb.Stop()
	for {
		wake := s.heads.next()
		var err error
		if cur, err = s.catchUp(ctx, sw, id, status, cur); err != nil {
			if ctx.Err() == nil {
				s.cfg.Logger.Info("api: stream ends", "source", id, "after", cur.String(), "err", err)
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-hb.C:
			// a comment keeps proxies from closing an idle stream; the id
			// moves a client's resume point past the empty heights
			if err := sw.write(fmt.Sprintf(": ping\nid: %s\n\n", cur)); err != nil {
				return
			}
		}
	}
}

// catchUp sends every dataset after cur up to the committed height, a
// window of resolving heights at a time, and returns the new cursor.
func (s *Server) catchUp(ctx context.Context, sw *sseWriter, id, status string, cur Cursor) (Cursor, error) {
	for range maxWindows {
		lo := cur.Height
		if cur.Round == wholeHeight {
			if lo == wholeHeight {
				return cur, nil
			}
			lo++
		}
		hi := lo + window - 1
		if hi < lo {
			hi = wholeHeight - 1
		}
		items, h, err := s.window(ctx, id, status, lo, hi)
		if err != nil {
			return cur, err
		}
		for _, d := range items {
			c := Cursor{d.Height, d.Round}
			if !cur.before(c) {
				continue
			}
			b, err := json.Marshal(d)
			if err != nil {
				return cur, err
			}
			if err := sw.write(fmt.Sprintf("id: %s\ndata: %s\n\n", c, b)); err != nil {
				return cur, err
			}
			cur = c
		}
		if top := min(h, hi); top >= lo {
			cur = Cursor{Height: top, Round: wholeHeight} // every dataset up to top is sent
		}
		if h <= hi {
			return cur, nil // caught up with the committed height
		}
	}
	return cur, nil
}

// window lists the datasets resolved at heights [lo, hi] that the
// committed state holds, oldest first, and the height it was read at:
// the pages after the first read below its cursor, which later blocks
// cannot change, so the list is that height's.
func (s *Server) window(ctx context.Context, id, status string, lo, hi uint64) ([]state.DatasetView, uint64, error) {
	o := state.ListOptions{Limit: state.MaxLimit, FromHeight: lo, ToHeight: hi, Status: status}
	var items []state.DatasetView
	var at uint64
	for i := range maxWindowPages {
		p, h, err := s.cfg.Chain.Datasets(ctx, id, o)
		if err != nil {
			return nil, 0, err
		}
		if i == 0 {
			at = h
		}
		items = append(items, p.Items...)
		if !p.Truncated {
			slices.Reverse(items)
			return items, at, nil
		}
		o.Cursor = p.Next
	}
	return nil, 0, fmt.Errorf("datasets of %q at heights %d..%d: more than %d pages", id, lo, hi, maxWindowPages)
}

// sseWriter writes and flushes server-sent events, each within
// writeTimeout.
type sseWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (s *sseWriter) write(msg string) error {
	if err := s.rc.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	if _, err := s.w.Write([]byte(msg)); err != nil {
		return err
	}
	return s.rc.Flush()
}
