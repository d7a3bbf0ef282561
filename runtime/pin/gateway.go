package pin

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ipfs/boxo/gateway"
	cid "github.com/ipfs/go-cid"
)

// Gateway returns an HTTP handler serving the store's content read-only
// under /ipfs/{cid}[/path], as boxo's gateway does: trustless responses
// (a raw block with ?format=raw or Accept: application/vnd.ipld.raw, a CAR
// with ?format=car or Accept: application/vnd.ipld.car) and plain file
// bytes. Only the local store is consulted (an offline exchange): an
// unknown CID is a 404 at once, never a network lookup. Every other path,
// /ipns/ included, is a 404.
//
// Content comes from data sources, so a response may be HTML or SVG
// chosen by a stranger yet served from the node's origin. Every response
// therefore carries X-Content-Type-Options: nosniff and the
// Content-Security-Policy in gatewayCSP: browsers render such a page in a
// sandbox with an opaque origin (no scripts, forms, popups, cookies or
// storage of the node's origin) and load nothing else for it.
func (s *Store) Gateway() (http.Handler, error) {
	backend, err := gateway.NewBlocksBackend(s.bserv)
	if err != nil {
		return nil, fmt.Errorf("pin: gateway backend: %w", err)
	}
	h := gateway.NewHandler(gateway.Config{
		DeserializedResponses: true,
		NoDNSLink:             true,
		DiagnosticServiceURL:  "", // no links to outside services
	}, backend)
	mux := http.NewServeMux()
	mux.Handle("/ipfs/", s.rootCheck(h))
	return safeHeaders(mux), nil
}

// gatewayCSP is the Content-Security-Policy of every gateway response:
// sandbox (opaque origin, no scripts, forms, popups or plugins) and no
// subresources from anywhere.
const gatewayCSP = "sandbox; default-src 'none'"

// safeHeaders sets the headers that keep a browser from running content
// served by the gateway as the node's own page.
func safeHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Content-Security-Policy", gatewayCSP)
		next.ServeHTTP(w, r)
	})
}

// rootCheck answers 404 for a request whose root CID is not in the store
// before boxo sees it: boxo streams CARs lazily and would otherwise send a
// 200 with a truncated CAR.
func (s *Store) rootCheck(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/ipfs/")
		first, _, _ := strings.Cut(rest, "/")
		c, err := cid.Decode(first)
		if err != nil {
			next.ServeHTTP(w, r) // boxo explains the bad path
			return
		}
		ok, err := s.Has(r.Context(), c)
		if err != nil || !ok {
			http.Error(w, fmt.Sprintf("%s: not in this node's store", c), http.StatusNotFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}
