package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/assaynet/assay/plugins"
)

// Kind is the source kind this plugin serves.
const Kind = "eth_block"

// Fetcher fetches Ethereum blocks by number.
type Fetcher struct {
	// Client sends the JSON-RPC requests.
	Client *http.Client
}

var _ plugins.Fetcher = (*Fetcher)(nil)

// Kinds returns ["eth_block"].
func (f *Fetcher) Kinds(context.Context) ([]string, error) { return []string{Kind}, nil }

// config is the kind's fetch config.
type config struct {
	URL              string            `json:"url"`
	Block            string            `json:"block"`
	FullTransactions bool              `json:"full_transactions"`
	Headers          map[string]string `json:"headers"`
}

// rpcResponse is a JSON-RPC 2.0 response.
type rpcResponse struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Fetch calls eth_getBlockByNumber and returns the block object.
func (f *Fetcher) Fetch(ctx context.Context, req plugins.Request) (io.ReadCloser, error) {
	c, tag, err := parseConfig(req.Config)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber",
		"params": []any{tag, c.FullTransactions},
	})
	if err != nil {
		return nil, err
	}
	raw, err := f.post(ctx, c, body, req.MaxBytes)
	if err != nil {
		return nil, err
	}
	var resp rpcResponse
	if err := json.Unmarshal(raw, &resp); err != nil {
		return nil, fmt.Errorf("ethfetcher: response is not JSON-RPC: %w", err)
	}
	if resp.Error != nil {
		return nil, fmt.Errorf("ethfetcher: node error %d: %s", resp.Error.Code, resp.Error.Message)
	}
	if len(resp.Result) == 0 || string(resp.Result) == "null" {
		return nil, fmt.Errorf("ethfetcher: block %s not found", tag)
	}
	return io.NopCloser(bytes.NewReader(resp.Result)), nil
}

// post sends body and reads at most max bytes of the answer (the result
// is smaller than the whole response, so this bounds it too).
func (f *Fetcher) post(ctx context.Context, c *config, body []byte, max int64) ([]byte, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("ethfetcher: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	for k, v := range c.Headers {
		hreq.Header.Set(k, v)
	}
	resp, err := f.Client.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("ethfetcher: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("ethfetcher: HTTP %s from %s", resp.Status, c.URL)
	}
	if max <= 0 {
		max = plugins.DefaultMaxBytes
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("ethfetcher: reading response: %w", err)
	}
	if int64(len(raw)) > max {
		return nil, fmt.Errorf("ethfetcher: response over %d bytes: %w", max, plugins.ErrTooLarge)
	}
	return raw, nil
}

// parseConfig decodes the config and turns the block into an RPC tag.
func parseConfig(raw []byte) (*config, string, error) {
	var c config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, "", fmt.Errorf("ethfetcher: config: %w", err)
	}
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("ethfetcher: config: url %q must be an http(s) URL", c.URL)
	}
	tag, err := blockTag(c.Block)
	if err != nil {
		return nil, "", err
	}
	return &c, tag, nil
}

// blockTag accepts a decimal or 0x-hex number or a named tag.
func blockTag(b string) (string, error) {
	switch b {
	case "latest", "safe", "finalized", "earliest", "pending":
		return b, nil
	}
	base, digits := 10, b
	if strings.HasPrefix(b, "0x") {
		base, digits = 16, b[2:]
	}
	n, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		return "", errors.New("ethfetcher: config: block " + strconv.Quote(b) + " is not a number or a block tag")
	}
	return "0x" + strconv.FormatUint(n, 16), nil
}
