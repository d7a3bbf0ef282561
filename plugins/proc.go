package plugins

import (
	"context"
	"log/slog"
	"os/exec"
	"syscall"
	"time"

	plugin "github.com/hashicorp/go-plugin"
)

// proc is one plugin process, started as the leader of its own process
// group so that a kill reaches whatever it started: a plugin that is a
// shell script running the real binary without exec, or starting a
// background child. Such a child inherits the plugin's stdout and stderr,
// and go-plugin reaps the plugin only after both pipes reach EOF, so a
// child left alive would keep the plugin a zombie and hang Client.Kill.
type proc struct {
	cmd *exec.Cmd
	// cancel SIGKILLs the group while the leader runs (exec.Cmd.Cancel);
	// it also ends a start in progress.
	cancel context.CancelFunc
	// pgid is the group (the leader's pid), set by started; 0 when the
	// process did not start. Written before the proc is shared.
	pgid int
}

// newProc returns the command of a plugin, not yet started.
func newProc(cfg PluginConfig) *proc {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, cfg.Path, cfg.Args...)
	cmd.Env = envList(cfg.Env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return &proc{cmd: cmd, cancel: cancel}
}

// started records the process group once go-plugin's Client has run (or
// failed to run) the command.
func (p *proc) started() {
	if p.cmd.Process != nil {
		p.pgid = p.cmd.Process.Pid
	}
}

// kill ends the plugin: when graceful, go-plugin first asks it over gRPC
// to exit, for at most killGrace; then the whole group gets SIGKILL, and
// kill waits at most killWait for go-plugin to reap the leader. The group
// kill comes even after a graceful exit, for children that closed their
// stdio and so did not hold go-plugin up. (An id stays taken while any
// process of its group lives; once the group is empty, the kill finds
// ESRCH unless a new group took the id in that moment.) Children of the
// group are orphans of init, which reaps them.
func (p *proc) kill(c *plugin.Client, graceful bool, log *slog.Logger) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Kill()
	}()
	if graceful {
		t := time.NewTimer(killGrace)
		select {
		case <-done:
		case <-t.C:
		}
		t.Stop()
	}
	p.cancel()
	if p.pgid > 0 {
		if err := syscall.Kill(-p.pgid, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
			log.Warn("killing the plugin's process group", "pgid", p.pgid, "error", err)
		}
	}
	t := time.NewTimer(killWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		// a process outside the group (one that called setsid) still
		// holds the plugin's stdout or stderr
		log.Error("plugin process not reaped after SIGKILL of its group; giving up on it", "pgid", p.pgid, "waited", killWait)
	}
}
