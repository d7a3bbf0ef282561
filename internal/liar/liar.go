// Package liar is lying nodes for tests: HTTP proxies between a client
// and a real CometBFT RPC or IPFS gateway that forward every call and
// rewrite the answers a test chooses. Tests of package consumer and of
// proven replays (internal/replay, `assay dataset replay`) use them to
// show that a lie is caught. It is test support only.
//
// # Example
//
//	p := liar.RPC(t, "http://127.0.0.1:26657", func(method string, res map[string]any) {
//		if method == "abci_query" {
//			liar.FlipB64(liar.Dig(res, "response"), "value")
//		}
//	})
//	// give p.URL to the client under test
package liar

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Proxy is a lying node: it forwards JSON-RPC calls (POST) to a real
// RPC and lets its lie rewrite a method's result. It counts the calls.
type Proxy struct {
	*httptest.Server
	calls atomic.Int64
}

// Calls returns the number of calls the proxy forwarded.
func (p *Proxy) Calls() int64 { return p.calls.Load() }

// RPC starts a Proxy to target (http://host:port), closed when t ends.
// lie (nil: an honest proxy) may rewrite the decoded "result" of each
// answer, given the request's method.
func RPC(t testing.TB, target string, lie func(method string, result map[string]any)) *Proxy {
	p := &Proxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Method string `json:"method"`
		}
		_ = json.Unmarshal(body, &req)
		resp, err := http.Post(target, "application/json", bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if lie != nil {
			var m map[string]any
			if json.Unmarshal(out, &m) == nil {
				if res, ok := m["result"].(map[string]any); ok {
					lie(req.Method, res)
					out, _ = json.Marshal(m)
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	}))
	t.Cleanup(p.Close)
	return p
}

// Gateway starts a proxy to the gateway target, closed when t ends, and
// returns its URL; with lie it flips a byte of every body.
func Gateway(t testing.TB, target string, lie bool) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(target + r.URL.RequestURI())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if lie && len(b) > 0 {
			b[len(b)/2] ^= 1
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// FlipB64 flips a bit of the last byte of base64 field k of m.
func FlipB64(m map[string]any, k string) {
	b, _ := base64.StdEncoding.DecodeString(m[k].(string))
	if len(b) > 0 {
		b[len(b)-1] ^= 1
	}
	m[k] = base64.StdEncoding.EncodeToString(b)
}

// Dig follows keys through nested JSON objects (and index 0 of arrays);
// nil when a key is missing.
func Dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		switch v := m[k].(type) {
		case map[string]any:
			m = v
		case []any:
			m = v[0].(map[string]any)
		default:
			return nil
		}
	}
	return m
}

// AboveTrust reports whether a commit result is of a height above the
// trust height (lies that spare the trusted header itself).
func AboveTrust(res map[string]any, trust int64) bool {
	h := Dig(res, "signed_header", "header")
	var n int64
	fmt.Sscan(fmt.Sprint(h["height"]), &n)
	return n > trust
}

// Record rewrites the record value of an abci_query result whose state
// key starts with prefix (e.g. "r/" for round records, docs/protocol.md
// section 4) by edit; the proof is left as it was. It reports whether it
// did.
func Record(res map[string]any, prefix string, edit func(value []byte) []byte) bool {
	r := Dig(res, "response")
	if r == nil {
		return false
	}
	key, _ := base64.StdEncoding.DecodeString(fmt.Sprint(r["key"]))
	val, _ := base64.StdEncoding.DecodeString(fmt.Sprint(r["value"]))
	if !bytes.HasPrefix(key, []byte(prefix)) || len(val) == 0 {
		return false
	}
	r["value"] = base64.StdEncoding.EncodeToString(edit(val))
	return true
}
