package plugins

import (
	"bytes"
	"context"
	"io"
	"log"
	"log/slog"
	"strings"
	"sync"
	"time"

	hclog "github.com/hashicorp/go-hclog"
)

// slogAdapter is an hclog.Logger that writes to a *slog.Logger, so that
// go-plugin's messages and the plugins' stderr lines reach the node's log.
type slogAdapter struct {
	l     *slog.Logger
	name  string
	args  []any
	level hclog.Level
}

var _ hclog.Logger = (*slogAdapter)(nil)

// newHCLog returns an hclog.Logger over l that drops messages below level.
func newHCLog(l *slog.Logger, name string, level hclog.Level) hclog.Logger {
	return &slogAdapter{l: l, name: name, level: level}
}

func (a *slogAdapter) slogLevel(level hclog.Level) slog.Level {
	switch level {
	case hclog.Trace, hclog.Debug:
		return slog.LevelDebug
	case hclog.Warn:
		return slog.LevelWarn
	case hclog.Error:
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Log writes msg with the logger's implied args and args.
func (a *slogAdapter) Log(level hclog.Level, msg string, args ...any) {
	if level == hclog.Off || level < a.level {
		return
	}
	all := make([]any, 0, len(a.args)+len(args)+2)
	all = append(all, "logger", a.name)
	all = append(all, a.args...)
	all = append(all, args...)
	a.l.Log(context.Background(), a.slogLevel(level), msg, all...)
}

// Trace logs at trace level (slog debug).
func (a *slogAdapter) Trace(msg string, args ...any) { a.Log(hclog.Trace, msg, args...) }

// Debug logs at debug level.
func (a *slogAdapter) Debug(msg string, args ...any) { a.Log(hclog.Debug, msg, args...) }

// Info logs at info level.
func (a *slogAdapter) Info(msg string, args ...any) { a.Log(hclog.Info, msg, args...) }

// Warn logs at warn level.
func (a *slogAdapter) Warn(msg string, args ...any) { a.Log(hclog.Warn, msg, args...) }

// Error logs at error level.
func (a *slogAdapter) Error(msg string, args ...any) { a.Log(hclog.Error, msg, args...) }

// IsTrace reports whether trace messages are logged.
func (a *slogAdapter) IsTrace() bool { return a.level <= hclog.Trace }

// IsDebug reports whether debug messages are logged.
func (a *slogAdapter) IsDebug() bool { return a.level <= hclog.Debug }

// IsInfo reports whether info messages are logged.
func (a *slogAdapter) IsInfo() bool { return a.level <= hclog.Info }

// IsWarn reports whether warnings are logged.
func (a *slogAdapter) IsWarn() bool { return a.level <= hclog.Warn }

// IsError reports whether errors are logged.
func (a *slogAdapter) IsError() bool { return a.level <= hclog.Error }

// ImpliedArgs returns the args added by With.
func (a *slogAdapter) ImpliedArgs() []any { return a.args }

// With returns a logger that adds args to every message.
func (a *slogAdapter) With(args ...any) hclog.Logger {
	c := *a
	c.args = append(append([]any(nil), a.args...), args...)
	return &c
}

// Name returns the logger's name.
func (a *slogAdapter) Name() string { return a.name }

// Named returns a logger with name appended to this one's.
func (a *slogAdapter) Named(name string) hclog.Logger {
	c := *a
	if c.name != "" {
		c.name += "." + name
	} else {
		c.name = name
	}
	return &c
}

// ResetNamed returns a logger with exactly name.
func (a *slogAdapter) ResetNamed(name string) hclog.Logger {
	c := *a
	c.name = name
	return &c
}

// SetLevel changes the minimum level of this logger.
func (a *slogAdapter) SetLevel(level hclog.Level) { a.level = level }

// GetLevel returns the minimum level.
func (a *slogAdapter) GetLevel() hclog.Level { return a.level }

// StandardLogger returns a *log.Logger writing to this logger.
func (a *slogAdapter) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return log.New(a.StandardWriter(opts), "", 0)
}

// StandardWriter returns a writer whose lines become info messages.
func (a *slogAdapter) StandardWriter(*hclog.StandardLoggerOptions) io.Writer {
	return lineWriter{a}
}

type lineWriter struct{ a *slogAdapter }

func (w lineWriter) Write(p []byte) (int, error) {
	w.a.Info(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Bounds on forwarded plugin output.
const (
	// maxLogLine bounds one forwarded line.
	maxLogLine = 4096
	// logBurst lines may be logged at once; then logRate per second.
	logBurst = 200
	logRate  = 50
)

// logWriter forwards a plugin's synced stdout or stderr to the node's
// logger, one record per line, rate-limited so that a chatty plugin cannot
// flood the node's log.
type logWriter struct {
	mu      sync.Mutex
	log     *slog.Logger
	stream  string
	buf     []byte
	tokens  float64
	last    time.Time
	dropped int
}

func newLogWriter(l *slog.Logger, stream string) *logWriter {
	return &logWriter{log: l, stream: stream, tokens: logBurst}
}

// Write logs every complete line in p; a line longer than maxLogLine is
// logged in pieces.
func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 && len(w.buf) < maxLogLine {
			return len(p), nil
		}
		if i < 0 || i > maxLogLine {
			i = maxLogLine
		}
		w.emit(string(bytes.TrimRight(w.buf[:i], "\r\n")))
		if i < len(w.buf) && w.buf[i] == '\n' {
			i++
		}
		w.buf = w.buf[i:]
	}
}

// emit logs one line if the rate allows, noting lines dropped before it.
func (w *logWriter) emit(line string) {
	now := time.Now()
	if !w.last.IsZero() {
		w.tokens = min(logBurst, w.tokens+now.Sub(w.last).Seconds()*logRate)
	}
	w.last = now
	if w.tokens < 1 {
		w.dropped++
		return
	}
	w.tokens--
	if w.dropped > 0 {
		w.log.Warn("plugin output rate-limited", "stream", w.stream, "dropped_lines", w.dropped)
		w.dropped = 0
	}
	w.log.Info(line, "stream", w.stream)
}
