package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	cmtpubsub "github.com/cometbft/cometbft/libs/pubsub"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/state"
)

// Prefix is the path of version 1 of the API.
const Prefix = "/api/v1"

// HeaderHeight is the response header with the committed height an
// answer was read at.
const HeaderHeight = "X-Assay-Height"

// Defaults of Config.
const (
	DefaultMaxStreams = 256
	DefaultPoll       = time.Second
	DefaultHeartbeat  = 15 * time.Second
	writeTimeout      = 10 * time.Second
)

// EventBus is the part of CometBFT's event bus (*types.EventBus) that
// wakes the streams on new blocks.
type EventBus interface {
	Subscribe(ctx context.Context, subscriber string, q cmtpubsub.Query, outCapacity ...int) (cmttypes.Subscription, error)
	Unsubscribe(ctx context.Context, subscriber string, q cmtpubsub.Query) error
}

// Config configures a Server. Chain is required.
type Config struct {
	// Chain answers the queries (the node's in-process client).
	Chain *chain.Client
	// Bus, when set, wakes the streams on each NewBlock event; they also
	// look every Poll in case an event was dropped.
	Bus EventBus
	// CORSOrigins are the origins allowed to read the API ("*": any).
	CORSOrigins []string
	// MaxStreams bounds the open streams (0: DefaultMaxStreams); one more
	// is answered 503.
	MaxStreams int
	// Poll is how often the streams look for new datasets without a
	// NewBlock event (0: DefaultPoll).
	Poll time.Duration
	// Heartbeat is how often an idle stream sends a comment and its
	// cursor (0: DefaultHeartbeat).
	Heartbeat time.Duration
	// Logger gets the server's errors; nil discards them.
	Logger *slog.Logger
}

// Server serves the API. Make it with New; Follow must run for streams
// to see new blocks.
type Server struct {
	cfg     Config
	heads   *heads
	streams atomic.Int64
	mux     *http.ServeMux
}

// New returns a server of c.
func New(c Config) *Server {
	if c.MaxStreams <= 0 {
		c.MaxStreams = DefaultMaxStreams
	}
	if c.Poll <= 0 {
		c.Poll = DefaultPoll
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: c, heads: newHeads(), mux: http.NewServeMux()}
	for _, rt := range s.routes() {
		s.mux.Handle(rt.pattern, get(rt.handler))
	}
	s.mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint %q (see docs/openapi.yaml)", r.URL.Path))
	}))
	return s
}

// route is one endpoint: a ServeMux pattern (GET only) and its handler.
type route struct {
	pattern string
	handler http.HandlerFunc
}

// Parameters each list accepts (the ABCI query's own names).
var (
	pageParams     = []string{state.ParamLimit, state.ParamCursor}
	roundsParams   = []string{state.ParamLimit, state.ParamCursor, state.ParamFrom, state.ParamTo}
	datasetsParams = []string{state.ParamLimit, state.ParamCursor, state.ParamFrom, state.ParamTo,
		state.ParamFromHeight, state.ParamToHeight, state.ParamStatus}
	evidenceParams = []string{state.ParamLimit, state.ParamCursor, state.ParamFromHeight, state.ParamToHeight}
)

// routes lists every endpoint; docs/openapi.yaml documents each
// (TestOpenAPIMatchesRoutes).
func (s *Server) routes() []route {
	return []route{
		{Prefix + "/sources", s.query(pageParams, func(*http.Request) (string, error) { return state.PathSources, nil })},
		{Prefix + "/sources/{id}", s.query(nil, func(r *http.Request) (string, error) { return state.PathSource(r.PathValue("id")), nil })},
		{Prefix + "/sources/{id}/datasets", s.query(datasetsParams, func(r *http.Request) (string, error) {
			return "/datasets/" + url.PathEscape(r.PathValue("id")), nil
		})},
		{Prefix + "/sources/{id}/datasets/latest", s.query([]string{state.ParamStatus}, func(r *http.Request) (string, error) {
			return "/datasets/" + url.PathEscape(r.PathValue("id")) + "/" + state.LatestSuffix, nil
		})},
		{Prefix + "/sources/{id}/datasets/stream", s.stream},
		{Prefix + "/sources/{id}/datasets/{round}", s.dataset},
		{Prefix + "/sources/{id}/rounds", s.query(roundsParams, func(r *http.Request) (string, error) {
			return "/rounds/" + url.PathEscape(r.PathValue("id")), nil
		})},
		{Prefix + "/sources/{id}/rounds/{round}", s.query(nil, func(r *http.Request) (string, error) {
			n, err := pathRound(r)
			return state.PathRound(r.PathValue("id"), n), err
		})},
		{Prefix + "/validators", s.query(nil, func(*http.Request) (string, error) { return state.PathValidators, nil })},
		{Prefix + "/evidence", s.query(evidenceParams, func(*http.Request) (string, error) { return state.PathEvidence, nil })},
	}
}

// Patterns lists the served paths as ServeMux patterns ("/api/v1/…",
// with {name} wildcards: the OpenAPI path syntax).
func (s *Server) Patterns() []string {
	var out []string
	for _, rt := range s.routes() {
		out = append(out, rt.pattern)
	}
	return out
}

// Handler is the API with CORS per Config.CORSOrigins.
func (s *Server) Handler() http.Handler { return s.cors(s.mux) }

// get answers only GET and HEAD (405 with a JSON body otherwise).
func get(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD, OPTIONS")
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s: the API is read-only (GET)", r.Method))
			return
		}
		h(w, r)
	})
}

// errBadParam is a request parameter the API refuses (400).
var errBadParam = errors.New("bad parameter")

func pathRound(r *http.Request) (uint64, error) {
	s := r.PathValue("round")
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: round %q is not a round number", errBadParam, s)
	}
	return n, nil
}

// ParamHeight is the parameter every endpoint but the stream takes: the
// committed height to read at (absent or 0: the last). A client paging
// through a list, or asking several endpoints, passes the X-Assay-Height
// of its first answer to read one state throughout.
const ParamHeight = "height"

// params checks that r's query names only allowed parameters and
// returns it encoded for an ABCI path ("" or "?…").
func params(r *http.Request, allowed []string) (string, error) {
	q := r.URL.Query()
	if err := checkParams(q, allowed); err != nil {
		return "", err
	}
	return encodeParams(q), nil
}

// paramsAt is params for an endpoint that also takes ParamHeight: it
// returns the other parameters encoded and the height (0: the last).
func paramsAt(r *http.Request, allowed []string) (string, uint64, error) {
	q := r.URL.Query()
	if err := checkParams(q, append(slices.Clip(allowed), ParamHeight)); err != nil {
		return "", 0, err
	}
	var height uint64
	if v, ok := q[ParamHeight]; ok {
		h, err := strconv.ParseUint(v[0], 10, 63)
		if err != nil {
			return "", 0, fmt.Errorf("%w: height %q is not a block height", errBadParam, v[0])
		}
		height = h
		q.Del(ParamHeight)
	}
	return encodeParams(q), height, nil
}

// checkParams checks that q names only allowed parameters, each once.
func checkParams(q url.Values, allowed []string) error {
	for name := range q {
		if !slices.Contains(allowed, name) {
			if len(allowed) == 0 {
				return fmt.Errorf("%w: %q: this endpoint takes no parameters", errBadParam, name)
			}
			return fmt.Errorf("%w: %q is not one of %v", errBadParam, name, allowed)
		}
		if len(q[name]) > 1 {
			return fmt.Errorf("%w: %q given %d times", errBadParam, name, len(q[name]))
		}
	}
	return nil
}

// encodeParams encodes q for an ABCI path: "" or "?…".
func encodeParams(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// query answers with the JSON of the ABCI query at path(r) plus r's
// allowed parameters, unchanged.
func (s *Server) query(allowed []string, path func(*http.Request) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := path(r)
		if err != nil {
			s.fail(w, err)
			return
		}
		qs, height, err := paramsAt(r, allowed)
		if err != nil {
			s.fail(w, err)
			return
		}
		b, h, err := s.cfg.Chain.QueryAt(r.Context(), p+qs, height)
		if err != nil {
			s.fail(w, err)
			return
		}
		writeJSON(w, h, b)
	}
}

// dataset answers one dataset: the round's resolving height names its
// one key in resolution order. Both queries read the same state: the
// second at the height the first was answered at.
func (s *Server) dataset(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	n, err := pathRound(r)
	var height uint64
	if err == nil {
		_, height, err = paramsAt(r, nil)
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	rv, at, err := chain.GetAt[state.RoundView](r.Context(), s.cfg.Chain, state.PathRound(id, n), height)
	if err != nil {
		s.fail(w, err)
		return
	}
	if rv.Phase != "RESOLVED" {
		writeError(w, http.StatusNotFound, fmt.Sprintf("round %d of %q has no dataset: it is %s", n, id, rv.Phase))
		return
	}
	o := state.ListOptions{Limit: 1, From: n, To: n, FromHeight: rv.ClosedAt, ToHeight: rv.ClosedAt}
	p, h, err := chain.GetAt[state.Page[state.DatasetView]](r.Context(), s.cfg.Chain, state.PathDatasets(id, o), at)
	if err != nil {
		s.fail(w, err)
		return
	}
	if len(p.Items) != 1 {
		s.fail(w, fmt.Errorf("round %d of %q is resolved at height %d but its dataset is not listed there", n, id, rv.ClosedAt))
		return
	}
	b, err := json.Marshal(p.Items[0])
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, h, b)
}

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	// Error says what was wrong, naming the bad input.
	Error string `json:"error"`
	// Status repeats the HTTP status code.
	Status int `json:"status"`
}

// fail answers err with its status: 404 for an unknown id, 400 for a bad
// parameter or query, 503 while the node cannot answer, 500 otherwise.
func (s *Server) fail(w http.ResponseWriter, err error) {
	code, msg := http.StatusInternalServerError, err.Error()
	var qe *chain.QueryError
	if errors.As(err, &qe) {
		msg = qe.Log // the app's words, without the client's prefix
	}
	switch {
	case errors.Is(err, state.ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, state.ErrBadQuery), errors.Is(err, errBadParam):
		code = http.StatusBadRequest
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		code = http.StatusServiceUnavailable
	default:
		s.cfg.Logger.Error("api", "err", err)
	}
	writeError(w, code, msg)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	b, _ := json.Marshal(ErrorBody{Error: msg, Status: code})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

func writeJSON(w http.ResponseWriter, height uint64, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set(HeaderHeight, strconv.FormatUint(height, 10))
	_, _ = w.Write(append(b, '\n'))
}

// cors adds CORS headers for an allowed Origin and answers preflights.
func (s *Server) cors(next http.Handler) http.Handler {
	any := slices.Contains(s.cfg.CORSOrigins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		allowed := origin != "" && (any || slices.Contains(s.cfg.CORSOrigins, origin))
		if len(s.cfg.CORSOrigins) > 0 && !any {
			w.Header().Add("Vary", "Origin")
		}
		if allowed {
			if any {
				w.Header().Set("Access-Control-Allow-Origin", "*")
			} else {
				w.Header().Set("Access-Control-Allow-Origin", origin)
			}
			w.Header().Set("Access-Control-Expose-Headers", HeaderHeight)
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if allowed {
				w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
				w.Header().Set("Access-Control-Allow-Headers", "Last-Event-ID, Cache-Control")
				w.Header().Set("Access-Control-Max-Age", "600")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
