package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/assaynet/assay/internal/apitest"
	"github.com/assaynet/assay/internal/httpapi"
)

// TestCORS: the devnet node (cors_origins ["*"]) lets any origin read;
// a list lets only its origins read (echoed, with Vary: Origin); no
// list adds no header; preflights of allowed origins get the methods.
func TestCORS(t *testing.T) {
	d, _, _ := apitest.StartClient(t, 1)
	chain := d.Nodes[0].RPC.Chain()
	serve := func(origins []string) string {
		srv := httptest.NewServer(httpapi.New(httpapi.Config{Chain: chain, CORSOrigins: origins}).Handler())
		t.Cleanup(srv.Close)
		return srv.URL
	}
	listed := serve([]string{"https://app.example", "http://localhost:3000"})
	none := serve(nil)
	tests := []struct {
		name, base, method, origin string
		allow, vary, methods       string
		code                       int
	}{
		{"devnet any", d.Nodes[0].API, http.MethodGet, "https://anywhere.example", "*", "", "", 200},
		{"devnet no origin", d.Nodes[0].API, http.MethodGet, "", "", "", "", 200},
		{"listed", listed, http.MethodGet, "https://app.example", "https://app.example", "Origin", "", 200},
		{"listed port", listed, http.MethodGet, "http://localhost:3000", "http://localhost:3000", "Origin", "", 200},
		{"not listed", listed, http.MethodGet, "https://evil.example", "", "Origin", "", 200},
		{"none", none, http.MethodGet, "https://app.example", "", "", "", 200},
		{"preflight listed", listed, http.MethodOptions, "https://app.example", "https://app.example", "Origin", "GET, HEAD, OPTIONS", 204},
		{"preflight not listed", listed, http.MethodOptions, "https://evil.example", "", "Origin", "", 204},
		{"preflight devnet", d.Nodes[0].API, http.MethodOptions, "https://x.example", "*", "", "GET, HEAD, OPTIONS", 204},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.origin != "" {
				h["Origin"] = tc.origin
			}
			if tc.method == http.MethodOptions {
				h["Access-Control-Request-Method"] = "GET"
			}
			resp, body := fetch(t, tc.method, tc.base+"/api/v1/sources", h)
			if resp.StatusCode != tc.code {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, tc.code)
			}
			got := [3]string{resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("Vary"), resp.Header.Get("Access-Control-Allow-Methods")}
			if want := [3]string{tc.allow, tc.vary, tc.methods}; got != want {
				t.Errorf("allow-origin, vary, allow-methods %q, want %q", got, want)
			}
			if tc.allow != "" && tc.method == http.MethodGet && resp.Header.Get("Access-Control-Expose-Headers") != httpapi.HeaderHeight {
				t.Errorf("expose headers %q", resp.Header.Get("Access-Control-Expose-Headers"))
			}
		})
	}
}
