package explorer

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/assaynet/assay/consensus/chain"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what an Explorer reads and links to.
type Config struct {
	// Chain reads the node's chain (its in-process RPC).
	Chain *chain.Client
	// ChainID is shown on every page and is part of every commit hash.
	ChainID string
	// Gateway is the node's IPFS gateway, http://host:port; output CIDs
	// link to Gateway/ipfs/CID. "": no links.
	Gateway string
	// Has reports whether the node's pin store holds a CID, which its
	// gateway then serves (a node holds the outputs of the rounds it
	// validated); nil: every output is assumed held.
	Has func(ctx context.Context, cid string) bool
	// RPC is the node's CometBFT RPC address as a client dials it (e.g.
	// tcp://127.0.0.1:26657), shown in the verify commands.
	RPC string
	// Logger gets the follower's errors at debug level; nil discards.
	Logger *slog.Logger
}

// Explorer serves the pages of one node's chain.
type Explorer struct {
	cfg   Config
	c     *chain.Client
	log   *slog.Logger
	f     *follower
	pages pages
}

// New returns an explorer of cfg.Chain. Run must run for the live
// updates and the validators' sparklines; the pages work without it.
func New(cfg Config) *Explorer {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Explorer{cfg: cfg, c: cfg.Chain, log: cfg.Logger, f: newFollower(), pages: parsePages()}
}

// Run follows the chain block by block until ctx ends, then ends every
// live subscription.
func (x *Explorer) Run(ctx context.Context) { x.run(ctx) }

// Handler returns the explorer's HTTP handler.
func (x *Explorer) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", x.status)
	mux.HandleFunc("GET /sources", x.sources)
	mux.HandleFunc("GET /source/{id}", x.source)
	mux.HandleFunc("GET /validators", x.validators)
	mux.HandleFunc("GET /evidence", x.evidence)
	mux.HandleFunc("GET /events", x.events)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		x.fail(w, r, http.StatusNotFound, "No page at "+r.URL.Path+".")
	})
	return secure(mux)
}

// secure sets headers that keep the pages to their own assets: no
// inline script, nothing from elsewhere, no framing.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}
