package plugins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Plugin states reported by Status.
const (
	StateNotStarted = "not started"
	StateRunning    = "running"
	StateFailed     = "failed"
	StateClosed     = "closed"
)

// PluginStatus describes one configured plugin.
type PluginStatus struct {
	// Name and Path are from the config.
	Name, Path string
	// Kinds are the kinds served at the last start (or the declared ones).
	Kinds []string
	// State is one of the State constants.
	State string
	// PID is the running process's id, or 0.
	PID int
	// Starts counts successful starts; more than one means restarts.
	Starts int
	// LastError is the last failure, if any.
	LastError string
	// RetryAt is when a failed plugin may start again.
	RetryAt time.Time
}

// Status describes every configured plugin, in config order.
func (m *Manager) Status() []PluginStatus {
	out := make([]PluginStatus, 0, len(m.insts))
	for _, in := range m.insts {
		out = append(out, in.status())
	}
	return out
}

func (in *instance) status() PluginStatus {
	in.mu.Lock()
	defer in.mu.Unlock()
	s := PluginStatus{Name: in.cfg.Name, Path: in.cfg.Path, Kinds: in.kinds, Starts: in.starts, State: StateNotStarted}
	if s.Kinds == nil {
		s.Kinds = in.cfg.Kinds
	}
	if in.lastErr != nil {
		s.LastError = in.lastErr.Error()
		s.State = StateFailed
		s.RetryAt = in.retryAt
	}
	switch {
	case in.closed:
		s.State = StateClosed
	case in.client != nil && !in.client.Exited():
		s.State = StateRunning
		if rc := in.client.ReattachConfig(); rc != nil {
			s.PID = rc.Pid
		}
	}
	return s
}

// StartAll starts every plugin that is not running, e.g. to list kinds or
// to fail early at node start; it returns the start errors joined.
func (m *Manager) StartAll(ctx context.Context) error {
	var errs []error
	for _, in := range m.insts {
		if in.running() != nil {
			continue
		}
		if _, err := in.get(ctx, ""); err != nil {
			errs = append(errs, err)
			continue
		}
		in.mu.Lock()
		kinds := in.kinds
		in.mu.Unlock()
		m.claim(in, kinds)
	}
	return errors.Join(errs...)
}

// BuiltinKinds returns the kinds served in process, sorted.
func (m *Manager) BuiltinKinds() []string {
	out := make([]string, 0, len(m.builtins))
	for k := range m.builtins {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// WriteStatus writes Status as the table `assay plugin list` prints: a
// row for the in-process fetchers (BuiltinName) and one per configured
// plugin with its kinds, state and detail (pid and path, or the last
// error of a plugin that is not running).
func (m *Manager) WriteStatus(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKINDS\tSTATUS\tDETAIL")
	fmt.Fprintf(tw, "%s\t%s\tin-process\t\n", BuiltinName, strings.Join(m.BuiltinKinds(), ","))
	for _, s := range m.Status() {
		kinds := strings.Join(s.Kinds, ",")
		if kinds == "" {
			kinds = "-"
		}
		detail := s.Path
		if s.PID != 0 {
			detail = fmt.Sprintf("pid %d, %s", s.PID, s.Path)
		}
		if s.LastError != "" && s.State != StateRunning {
			detail = s.LastError
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, kinds, s.State, detail)
	}
	return tw.Flush()
}
