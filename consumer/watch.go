package consumer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/ctxsleep"
)

// WatchEvent is one dataset a Watch delivers.
type WatchEvent struct {
	// Dataset is the chain's record, as the datasets list answers it.
	Dataset state.DatasetView
	// Cursor is the stream's id of this dataset ("HEIGHT.ROUND"): Watch
	// with after = Cursor resumes after it.
	Cursor string
}

// maxSSELine bounds one line of the stream (a dataset record is a few
// hundred bytes).
const maxSSELine = 1 << 20

// errStreamEnded is a stream the node closed without an error.
var errStreamEnded = errors.New("stream ended")

// Watch follows source's stream of new datasets and calls fn with each,
// in resolution order (resolving height, then round), exactly once:
// after a disconnect it connects again and resumes after the last
// dataset fn returned nil for. after is a cursor to start after (an
// earlier WatchEvent.Cursor, or "HEIGHT" for after every dataset of that
// height); "" starts with the datasets resolved after the node's
// committed height.
//
// Watch returns when ctx ends (ctx.Err()), when fn returns an error
// (that error), or when the API refuses the stream (an *APIError: an
// unknown source is state.ErrNotFound, a bad cursor state.ErrBadQuery).
func (c *Client) Watch(ctx context.Context, source, after string, fn func(WatchEvent) error) error {
	wait := c.retryMin
	for {
		connected, err := c.watchOnce(ctx, source, &after, fn)
		var fnErr *callbackError
		switch {
		case errors.As(err, &fnErr):
			return fnErr.err
		case ctx.Err() != nil:
			return ctx.Err()
		case permanent(err):
			return err
		}
		if connected {
			wait = c.retryMin
		}
		if c.onRetry != nil {
			c.onRetry(err, after)
		}
		if err := ctxsleep.Sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, c.retryMax)
	}
}

// callbackError carries fn's error out of watchOnce.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }

// watchOnce reads one connection of the stream, moving *after past each
// dataset fn took and each id the node sent; connected reports whether
// the node answered 200.
func (c *Client) watchOnce(ctx context.Context, source string, after *string, fn func(WatchEvent) error) (connected bool, err error) {
	h := http.Header{"Accept": {"text/event-stream"}}
	path := "/sources/" + url.PathEscape(source) + "/datasets/stream"
	if *after != "" {
		h.Set("Last-Event-ID", *after)
	}
	resp, err := c.do(ctx, path, h)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	r := bufio.NewReaderSize(resp.Body, 4096)
	var ev sseEvent
	for {
		line, err := readLine(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errStreamEnded
			}
			return true, err
		}
		if line != "" {
			ev.field(line)
			continue
		}
		// a blank line dispatches: the id moves the cursor even without data
		if ev.data != "" && ev.event == "" {
			var d state.DatasetView
			if err := json.Unmarshal([]byte(ev.data), &d); err != nil {
				return true, fmt.Errorf("consumer: stream of %q: event %s: %w", source, ev.id, err)
			}
			if err := fn(WatchEvent{Dataset: d, Cursor: ev.id}); err != nil {
				return true, &callbackError{err}
			}
		}
		if ev.hasID {
			*after = ev.id
		}
		ev = sseEvent{}
	}
}

// sseEvent is the fields of one server-sent event read so far.
type sseEvent struct {
	id, event, data string
	hasID           bool
}

// field applies one line of an event (the text/event-stream format).
func (e *sseEvent) field(line string) {
	if strings.HasPrefix(line, ":") {
		return // a comment
	}
	name, value, _ := strings.Cut(line, ":")
	value = strings.TrimPrefix(value, " ")
	switch name {
	case "id":
		e.id, e.hasID = value, true
	case "event":
		e.event = value
	case "data":
		if e.data != "" {
			e.data += "\n"
		}
		e.data += value
	}
}

// readLine reads one line without its end (LF, CRLF), at most maxSSELine
// bytes.
func readLine(r *bufio.Reader) (string, error) {
	var b []byte
	for {
		frag, isPrefix, err := r.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, frag...)
		if len(b) > maxSSELine {
			return "", fmt.Errorf("consumer: stream line longer than %d bytes", maxSSELine)
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}
