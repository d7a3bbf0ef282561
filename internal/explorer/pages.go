package explorer

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/state"
)

// Bounds of one request's work.
const (
	sourcesPerPage   = 50
	datasetsPerPage  = 25
	roundsPerPage    = 10
	evidencePerPage  = 50
	maxValidators    = 500
	searchScanPages  = 5 // pages of state.MaxLimit sources one search reads
	searchMaxMatches = 50
	maxQueryLen      = 128 // longest search or cursor the pages accept
	recentShown      = 15
)

// statusData is the status page.
type statusData struct {
	Height     uint64
	CatchingUp bool
	BlockTime  string
	Interval   string // mean time between the recent blocks
	Validators int
	Active     int // power > 0, not jailed
	Online     int // signed the latest commit
	Signers    int // signatures slots of that commit
	Blocks     []Block
	Resolved   []Resolved
	Gateway    string
}

func (x *Explorer) status(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, err := x.c.Status(ctx)
	if err != nil {
		x.fail(w, r, http.StatusBadGateway, "The node's RPC did not answer: "+err.Error())
		return
	}
	d := statusData{Height: st.Height, CatchingUp: st.CatchingUp, Gateway: x.cfg.Gateway}
	blocks, res := x.f.snapshot()
	d.Blocks, d.Resolved = blocks[:min(len(blocks), recentShown)], res
	if len(blocks) > 1 {
		span := time.Duration(blocks[0].unix - blocks[len(blocks)-1].unix)
		d.Interval = (span / time.Duration(len(blocks)-1)).Round(time.Millisecond).String()
	}
	if vs, err := x.c.Validators(ctx); err == nil {
		d.Validators = len(vs)
		for _, v := range vs {
			if v.Power > 0 && !v.Jailed && !v.Tombstoned {
				d.Active++
			}
		}
	}
	if st.Height > 0 {
		h := int64(st.Height)
		if c, err := x.c.RPC().Commit(ctx, &h); err == nil {
			d.BlockTime = c.Header.Time.UTC().Format("15:04:05.000")
			d.Signers = len(c.Commit.Signatures)
			for _, s := range c.Commit.Signatures {
				if s.BlockIDFlag == cmttypes.BlockIDFlagCommit {
					d.Online++
				}
			}
		}
	}
	x.render(w, r, http.StatusOK, "status", "Chain status", d)
}

// sourcesData is the sources page: a page of the list, or a search.
type sourcesData struct {
	Query    string
	Sources  []state.SourceView
	Next     string // cursor of the next page or of the search's next scan
	Scanned  int    // sources a search read
	Searched bool
}

func (x *Explorer) sources(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	cursor := r.URL.Query().Get("cursor")
	if len(q) > maxQueryLen || len(cursor) > maxQueryLen {
		x.fail(w, r, http.StatusBadRequest, "The search or cursor is too long.")
		return
	}
	d := sourcesData{Query: q, Searched: q != ""}
	var err error
	if q == "" {
		var p state.Page[state.SourceView]
		p, _, err = chain.Get[state.Page[state.SourceView]](r.Context(), x.c, state.PathSourcesPage(state.ListOptions{Limit: sourcesPerPage, Cursor: cursor}))
		d.Sources, d.Next = p.Items, p.Next
	} else {
		err = x.search(r.Context(), &d, cursor)
	}
	if errors.Is(err, state.ErrBadQuery) {
		x.fail(w, r, http.StatusBadRequest, "Bad list position: "+err.Error())
		return
	}
	if err != nil {
		x.fail(w, r, http.StatusBadGateway, "Reading the sources failed: "+err.Error())
		return
	}
	x.render(w, r, http.StatusOK, "sources", "Sources", d)
}

// search finds sources whose id or description contains d.Query (case
// insensitive), reading at most searchScanPages pages from cursor; an
// exact id is looked up first. d.Next continues the scan.
func (x *Explorer) search(ctx context.Context, d *sourcesData, cursor string) error {
	needle := strings.ToLower(d.Query)
	if cursor == "" && state.ValidID(d.Query) {
		s, err := x.c.Source(ctx, d.Query)
		if err == nil {
			d.Sources = append(d.Sources, s)
		} else if !errors.Is(err, state.ErrNotFound) {
			return err
		}
	}
	for range searchScanPages {
		p, _, err := chain.Get[state.Page[state.SourceView]](ctx, x.c, state.PathSourcesPage(state.ListOptions{Limit: state.MaxLimit, Cursor: cursor}))
		if err != nil {
			return err
		}
		d.Scanned += len(p.Items)
		for _, s := range p.Items {
			if s.ID == d.Query && cursor == "" {
				continue // already first
			}
			desc := ""
			if s.Metadata != nil {
				desc = s.Metadata.Description
			}
			if strings.Contains(s.ID, needle) || strings.Contains(strings.ToLower(desc), needle) {
				d.Sources = append(d.Sources, s)
			}
		}
		cursor = p.Next
		if !p.Truncated || len(d.Sources) >= searchMaxMatches {
			break
		}
	}
	d.Next = cursor
	if len(d.Sources) > searchMaxMatches {
		d.Sources = d.Sources[:searchMaxMatches]
	}
	return nil
}

// datasetRow is a dataset with its links and verify command.
type datasetRow struct {
	state.DatasetView
	Link   string // the output on the node's gateway; "" without one
	Held   bool   // the node's gateway has it
	Verify string
}

// sourceData is a source's page.
type sourceData struct {
	Source      state.SourceView
	Params      int // bytes of params
	Datasets    []datasetRow
	Next        string
	Rounds      []state.RoundView
	TrustHeight uint64
	TrustHash   string
	RPC         string
}

func (x *Explorer) source(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	cursor := r.URL.Query().Get("cursor")
	if len(id) > maxQueryLen || len(cursor) > maxQueryLen {
		x.fail(w, r, http.StatusBadRequest, "The source id or cursor is too long.")
		return
	}
	if !state.ValidID(id) {
		x.fail(w, r, http.StatusNotFound, "No source "+id+": not a valid source id.")
		return
	}
	s, err := x.c.Source(ctx, id)
	if errors.Is(err, state.ErrNotFound) {
		x.fail(w, r, http.StatusNotFound, "No source "+id+" on this chain.")
		return
	}
	if err != nil {
		x.fail(w, r, http.StatusBadGateway, "Reading source "+id+" failed: "+err.Error())
		return
	}
	params, _ := base64.StdEncoding.DecodeString(s.Spec.Params)
	d := sourceData{Source: s, Params: len(params), RPC: x.cfg.RPC}
	d.TrustHeight, d.TrustHash = x.trustRoot(ctx)
	p, _, err := x.c.Datasets(ctx, id, state.ListOptions{Limit: datasetsPerPage, Cursor: cursor})
	if errors.Is(err, state.ErrBadQuery) {
		x.fail(w, r, http.StatusBadRequest, "Bad list position: "+err.Error())
		return
	}
	if err != nil {
		x.fail(w, r, http.StatusBadGateway, "Reading the datasets of "+id+" failed: "+err.Error())
		return
	}
	d.Next = p.Next
	for _, ds := range p.Items {
		row := datasetRow{DatasetView: ds}
		if x.cfg.Gateway != "" && ds.OutputCID != "" {
			row.Link = x.cfg.Gateway + "/ipfs/" + ds.OutputCID
			row.Held = x.cfg.Has == nil || x.cfg.Has(ctx, ds.OutputCID)
		}
		if d.TrustHash != "" {
			row.Verify = verifyCommand(x.cfg.RPC, ds.Source, ds.Round, d.TrustHeight, d.TrustHash)
		}
		d.Datasets = append(d.Datasets, row)
	}
	if rp, _, err := chain.Get[state.Page[state.RoundView]](ctx, x.c, state.PathRounds(id, state.ListOptions{Limit: roundsPerPage})); err == nil {
		d.Rounds = rp.Items
	}
	x.render(w, r, http.StatusOK, "source", "Source "+id, d)
}

// trustRoot is a recent header (height and hash) to trust in a verify
// command: the newest block the follower read, else the latest header.
func (x *Explorer) trustRoot(ctx context.Context) (uint64, string) {
	if bs, _ := x.f.snapshot(); len(bs) > 0 {
		return bs[0].Height, bs[0].Hash
	}
	h, err := x.c.Height(ctx)
	if err != nil || h == 0 {
		return 0, ""
	}
	hh := int64(h)
	hdr, err := x.c.RPC().Header(ctx, &hh)
	if err != nil {
		return 0, ""
	}
	return h, hdr.Header.Hash().String()
}

// validatorRow is a validator with its sparkline.
type validatorRow struct {
	state.ValidatorView
	Spark any
}

// validatorsData is the validators page.
type validatorsData struct {
	Validators []validatorRow
	More       int // validators not shown
}

func (x *Explorer) validators(w http.ResponseWriter, r *http.Request) {
	vs, err := x.c.Validators(r.Context())
	if err != nil {
		x.fail(w, r, http.StatusBadGateway, "Reading the validators failed: "+err.Error())
		return
	}
	d := validatorsData{}
	if len(vs) > maxValidators {
		d.More, vs = len(vs)-maxValidators, vs[:maxValidators]
	}
	for _, v := range vs {
		d.Validators = append(d.Validators, validatorRow{ValidatorView: v, Spark: sparkline(x.f.marksOf(v.Operator))})
	}
	x.render(w, r, http.StatusOK, "validators", "Validators", d)
}

// evidenceRow is an evidence record with its commit recomputed.
type evidenceRow struct {
	state.EvidenceView
	Recomputed string // hex of the commit recomputed from the reveal; "" when there is none
	Matches    bool
}

// evidenceData is the evidence page.
type evidenceData struct {
	Evidence []evidenceRow
	Next     string
}

func (x *Explorer) evidence(w http.ResponseWriter, r *http.Request) {
	cursor := r.URL.Query().Get("cursor")
	if len(cursor) > maxQueryLen {
		x.fail(w, r, http.StatusBadRequest, "The cursor is too long.")
		return
	}
	p, _, err := chain.Get[state.Page[state.EvidenceView]](r.Context(), x.c, state.PathEvidencePage(state.ListOptions{Limit: evidencePerPage, Cursor: cursor}))
	if errors.Is(err, state.ErrBadQuery) {
		x.fail(w, r, http.StatusBadRequest, "Bad list position: "+err.Error())
		return
	}
	if err != nil {
		x.fail(w, r, http.StatusBadGateway, "Reading the evidence failed: "+err.Error())
		return
	}
	d := evidenceData{Next: p.Next}
	for _, e := range p.Items {
		row := evidenceRow{EvidenceView: e}
		if c, ok := recomputeCommit(x.cfg.ChainID, e); ok {
			row.Recomputed = hex.EncodeToString(c[:])
			row.Matches = row.Recomputed == e.Commit
		}
		d.Evidence = append(d.Evidence, row)
	}
	x.render(w, r, http.StatusOK, "evidence", "Evidence", d)
}
