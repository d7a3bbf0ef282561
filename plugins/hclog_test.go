package plugins

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"
)

func TestHCLogAdapter(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHCLog(l, "plugin", hclog.Debug).Named("eth").With("pid", 7)
	h.Trace("dropped below the level")
	h.Debug("dbg", "k", "v")
	h.Warn("careful")
	h.StandardLogger(nil).Print("from std")
	out := buf.String()
	for _, want := range []string{
		`level=DEBUG msg=dbg logger=plugin.eth pid=7 k=v`,
		`level=WARN msg=careful logger=plugin.eth pid=7`,
		`level=INFO msg="from std"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "dropped") || h.IsTrace() || !h.IsDebug() || h.Name() != "plugin.eth" {
		t.Errorf("levels or name wrong:\n%s", out)
	}
	if h.ResetNamed("x").Name() != "x" || len(h.ImpliedArgs()) != 2 {
		t.Error("ResetNamed or ImpliedArgs wrong")
	}
}

func TestLogWriterSplitsAndBoundsLines(t *testing.T) {
	var buf bytes.Buffer
	w := newLogWriter(slog.New(slog.NewTextHandler(&buf, nil)), "stderr")
	w.Write([]byte("one\ntw"))
	w.Write([]byte("o\n" + strings.Repeat("x", maxLogLine+10)))
	out := buf.String()
	if !strings.Contains(out, "msg=one stream=stderr") || !strings.Contains(out, "msg=two stream=stderr") {
		t.Errorf("lines not split:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n != 3 {
		t.Errorf("%d records, want 3 (one, two, a capped piece):\n%.300s", n, out)
	}
}

func TestLogWriterRateLimit(t *testing.T) {
	var buf bytes.Buffer
	w := newLogWriter(slog.New(slog.NewTextHandler(&buf, nil)), "stdout")
	w.Write([]byte(strings.Repeat("spam\n", 3*logBurst)))
	if n := strings.Count(buf.String(), "msg=spam"); n < logBurst || n > logBurst+logRate {
		t.Errorf("%d lines logged from a burst of %d, want about %d", n, 3*logBurst, logBurst)
	}
	w.last = w.last.Add(-time.Second) // as if a second passed
	w.Write([]byte("later\n"))
	if !strings.Contains(buf.String(), "dropped_lines=") || !strings.Contains(buf.String(), "msg=later") {
		t.Errorf("drop note or later line missing:\n%.500s", buf.String()[len(buf.String())-300:])
	}
}
