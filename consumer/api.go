package consumer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/assaynet/assay/consensus/state"
)

// The HTTP API client: a node's read API under /api/v1/ (docs/openapi.yaml),
// answered with the chain's own records (consensus/state's *View types).

// APIPrefix is the path of version 1 of a node's HTTP API.
const APIPrefix = "/api/v1"

// maxAnswer bounds the bytes of one API answer the client reads.
const maxAnswer = 64 << 20

// Client reads a node's HTTP API. Make it with NewClient; the With
// methods return changed copies. It is safe for concurrent use.
type Client struct {
	base     string
	hc       *http.Client
	retryMin time.Duration
	retryMax time.Duration
	onRetry  func(err error, after string)
}

// NewClient returns a client of the API at base, a node's API address
// such as "http://127.0.0.1:26660" (the path /api/v1 is added).
func NewClient(base string) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("consumer: API address %q: want http(s)://host:port", base)
	}
	return &Client{base: strings.TrimSuffix(base, "/"), hc: &http.Client{}, retryMin: 250 * time.Millisecond, retryMax: 10 * time.Second}, nil
}

// WithHTTPClient returns a copy of c that sends its requests with hc.
func (c *Client) WithHTTPClient(hc *http.Client) *Client {
	d := *c
	d.hc = hc
	return &d
}

// WithRetry returns a copy of c whose Watch waits first min, then twice
// as long each time up to max, before it connects again.
func (c *Client) WithRetry(min, max time.Duration) *Client {
	d := *c
	d.retryMin, d.retryMax = min, max
	return &d
}

// WithRetryHook returns a copy of c whose Watch calls fn with the error
// that ended a connection and the cursor it resumes after, before it
// connects again.
func (c *Client) WithRetryHook(fn func(err error, after string)) *Client {
	d := *c
	d.onRetry = fn
	return &d
}

// APIError is an error answer of the API. errors.Is matches it against
// state.ErrNotFound (404: an unknown source, round or dataset) and
// state.ErrBadQuery (400: a bad parameter).
type APIError struct {
	URL     string
	Status  int    // the HTTP status
	Message string // the API's words, naming the bad input
}

func (e *APIError) Error() string {
	return fmt.Sprintf("consumer: %s: %d %s: %s", e.URL, e.Status, http.StatusText(e.Status), e.Message)
}

// Is matches state.ErrNotFound and state.ErrBadQuery by status.
func (e *APIError) Is(target error) bool {
	switch target {
	case state.ErrNotFound:
		return e.Status == http.StatusNotFound
	case state.ErrBadQuery:
		return e.Status == http.StatusBadRequest
	}
	return false
}

// Latest returns source's dataset of the highest round: one request.
// A source without one is state.ErrNotFound.
func (c *Client) Latest(ctx context.Context, source string) (state.DatasetView, error) {
	var d state.DatasetView
	err := c.get(ctx, "/sources/"+url.PathEscape(source)+"/datasets/latest", nil, &d)
	return d, err
}

// Datasets returns a page of source's datasets in resolution order,
// newest first; pass the page's Next as o.Cursor for the next one.
func (c *Client) Datasets(ctx context.Context, source string, o state.ListOptions) (state.Page[state.DatasetView], error) {
	var p state.Page[state.DatasetView]
	err := c.get(ctx, "/sources/"+url.PathEscape(source)+"/datasets"+o.Encode(), nil, &p)
	return p, err
}

// Dataset returns source's dataset of round; a round without one (open,
// unresolved or unknown) is state.ErrNotFound.
func (c *Client) Dataset(ctx context.Context, source string, round uint64) (state.DatasetView, error) {
	var d state.DatasetView
	err := c.get(ctx, "/sources/"+url.PathEscape(source)+"/datasets/"+strconv.FormatUint(round, 10), nil, &d)
	return d, err
}

// get GETs path under the API prefix and decodes the JSON answer into v.
func (c *Client) get(ctx context.Context, path string, header http.Header, v any) error {
	resp, err := c.do(ctx, path, header)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("consumer: %s: %w", resp.Request.URL, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("consumer: %s: decode %T: %w", resp.Request.URL, v, err)
	}
	return nil
}

// do sends GET path and returns a 200 answer; any other is an *APIError.
func (c *Client) do(ctx context.Context, path string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+APIPrefix+path, nil)
	if err != nil {
		return nil, fmt.Errorf("consumer: %w", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("consumer: %w", err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var body struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(b, &body) != nil || body.Error == "" {
		body.Error = strings.TrimSpace(string(b))
	}
	return nil, &APIError{URL: req.URL.String(), Status: resp.StatusCode, Message: body.Error}
}

// permanent reports whether err is an answer that asking again cannot
// change (a 4xx other than 408 and 429).
func permanent(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status >= 400 && e.Status < 500 &&
		e.Status != http.StatusRequestTimeout && e.Status != http.StatusTooManyRequests
}
