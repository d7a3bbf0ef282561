package httpfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/assaynet/assay/internal/ctxsleep"
	"github.com/assaynet/assay/plugins"
)

// errRetry marks an attempt that may succeed if tried again.
var errRetry = errors.New("temporary failure")

// errRedirect marks a redirect that was not followed.
var errRedirect = errors.New("redirect")

// Fetch performs the request with retries and returns the body of the
// first 2xx response.
func (f *Fetcher) Fetch(ctx context.Context, req plugins.Request) (io.ReadCloser, error) {
	c, timeout, err := parseConfig(req.Config)
	if err != nil {
		return nil, err
	}
	cancel := context.CancelFunc(func() {})
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	var last error
	for attempt := 0; attempt <= f.opts.Retries; attempt++ {
		if attempt > 0 {
			if err := ctxsleep.Sleep(ctx, f.delay(attempt)); err != nil {
				break
			}
		}
		body, err := f.attempt(ctx, c, req.MaxBytes)
		if err == nil {
			return &cancelBody{ReadCloser: body, cancel: cancel}, nil
		}
		last = err
		if !errors.Is(err, errRetry) || ctx.Err() != nil {
			break
		}
	}
	cancel()
	if ctx.Err() != nil && last == nil {
		last = ctx.Err()
	}
	return nil, last
}

// attempt sends one request.
func (f *Fetcher) attempt(ctx context.Context, c *config, maxBytes int64) (io.ReadCloser, error) {
	hreq, err := http.NewRequestWithContext(ctx, c.Method, c.URL, strings.NewReader(c.Body))
	if err != nil {
		return nil, fmt.Errorf("httpfetch: %w", err)
	}
	hreq.Header.Set("User-Agent", f.opts.UserAgent)
	for k, v := range c.Headers {
		hreq.Header.Set(k, v)
	}
	resp, err := f.client.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("httpfetch: %w", err)
		}
		if errors.Is(err, errRedirect) {
			return nil, fmt.Errorf("httpfetch: %w", err)
		}
		if errors.Is(err, ErrRefused) {
			return nil, refused(c.Method, err)
		}
		return nil, fmt.Errorf("httpfetch: %w: %w", errRetry, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if maxBytes > 0 && resp.ContentLength > maxBytes {
			resp.Body.Close()
			return nil, fmt.Errorf("httpfetch: Content-Length %d: %w", resp.ContentLength, plugins.ErrTooLarge)
		}
		return resp.Body, nil
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	resp.Body.Close()
	err = fmt.Errorf("httpfetch: %s %s: HTTP %s: %q", c.Method, c.URL, resp.Status, snippet)
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return nil, fmt.Errorf("%w: %w", errRetry, err)
	}
	return nil, err
}

// refused words a refused dial: the URL dialled (the config's or a
// redirect's), its host, and the refused address. It is never retried.
func refused(method string, err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return fmt.Errorf("httpfetch: %w", err)
	}
	host := ue.URL
	if u, perr := url.Parse(ue.URL); perr == nil {
		host = u.Host
	}
	return fmt.Errorf("httpfetch: %s %s: host %q: %w", method, ue.URL, host, ue.Err)
}

// delay returns the jittered wait before retry number attempt (≥ 1):
// between half and all of RetryBase·2^(attempt−1).
func (f *Fetcher) delay(attempt int) time.Duration {
	d := f.opts.RetryBase << min(attempt-1, 16)
	return d/2 + rand.N(d/2+1)
}

// cancelBody releases the per-fetch timeout when the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
