package explorer

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// pages are the parsed templates, one per page, each with the layout.
type pages map[string]*template.Template

// pageNames are the templates under templates/ besides layout.html.
var pageNames = []string{"status", "sources", "source", "validators", "evidence", "error"}

func parsePages() pages {
	funcs := template.FuncMap{
		"short":      shortHex,
		"sourceURL":  func(id string) string { return "/source/" + url.PathEscape(id) },
		"add":        func(a, b int) int { return a + b },
		"join":       strings.Join,
		"shortCID":   shortCID,
		"shortHexes": func(ss []string) string { return joinShort(ss) },
		"ts":         shortTime,
	}
	p := pages{}
	for _, n := range pageNames {
		p[n] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+n+".html"))
	}
	return p
}

// view is what every page template gets: the layout's fields and the
// page's own Data.
type view struct {
	Title   string
	Nav     string // the nav entry of the page
	ChainID string
	Height  uint64
	Data    any
}

// render executes page name into a buffer first, so a template error
// is a clean 500 rather than half a page.
func (x *Explorer) render(w http.ResponseWriter, r *http.Request, code int, name, title string, data any) {
	h, _ := x.c.Height(r.Context())
	var b bytes.Buffer
	v := view{Title: title, Nav: name, ChainID: x.cfg.ChainID, Height: h, Data: data}
	if err := x.pages[name].ExecuteTemplate(&b, "layout", v); err != nil {
		x.log.Error("explorer: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(b.Bytes())
}

// fail renders the error page with msg (escaped like everything else).
func (x *Explorer) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	x.render(w, r, code, "error", http.StatusText(code), msg)
}

// shortTime shows an RFC 3339 time to the millisecond ("" stays "").
func shortTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04:05.000Z")
}

// shortCID abbreviates a CID for a table cell (the full one is in the
// cell's title and link).
func shortCID(c string) string {
	if len(c) <= 16 {
		return c
	}
	return c[:8] + "…" + c[len(c)-6:]
}

func joinShort(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = shortHex(s)
	}
	return strings.Join(out, ", ")
}

// shellQuote quotes s for a POSIX shell unless it needs no quoting.
func shellQuote(s string) string {
	safe := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-/:", c)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// verifyCommand is the light-client command that checks dataset
// (source, round) against a trusted header (height, hash).
func verifyCommand(node, source string, round, trustHeight uint64, trustHash string) string {
	return fmt.Sprintf("assay dataset verify %s %d --node %s --trust-height %d --trust-hash %s",
		shellQuote(source), round, shellQuote(node), trustHeight, trustHash)
}

// sparkline draws outcomes as an inline SVG: one bar per round, a tall
// green bar for a reveal, a short red one for a penalty. It holds
// numbers and fixed colours only, never chain text.
func sparkline(ms []Mark) template.HTML {
	const bw, gap, hgt = 6, 2, 20
	ok, bad := 0, 0
	var b strings.Builder
	for i, m := range ms {
		x := i * (bw + gap)
		if m.Penalty == "" {
			ok++
			fmt.Fprintf(&b, `<rect x="%d" y="2" width="%d" height="%d" fill="#1a7f37"></rect>`, x, bw, hgt-2)
		} else {
			bad++
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="8" fill="#cf222e"></rect>`, x, hgt-8, bw)
		}
	}
	w := max(len(ms)*(bw+gap), 1)
	label := fmt.Sprintf("last %d rounds: %d revealed, %d penalised", len(ms), ok, bad)
	if len(ms) == 0 {
		label = "no rounds seen since the explorer started"
	}
	return template.HTML(fmt.Sprintf(`<svg class="spark" role="img" aria-label="%s" width="%d" height="%d" viewBox="0 0 %d %d"><title>%s</title>%s</svg>`,
		label, w, hgt, w, hgt, label, b.String()))
}
