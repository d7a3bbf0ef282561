package plugins_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins"
)

// closeBound is how long Manager.Close may take with a misbehaving plugin:
// the kill grace, the group kill and the reap, with room for a loaded CI
// machine.
const closeBound = 8 * time.Second

// scriptPlugin writes a shell-script plugin to a temp dir and returns its
// config and the file its shell writes "SHELLPID CHILDPID" to. body runs
// after the shell records its own pid in $PIDS; TESTBIN and SLEEP in body
// are replaced by the test plugin and sleep(1).
func scriptPlugin(t *testing.T, name, body string) (plugins.PluginConfig, string) {
	t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep(1):", err)
	}
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	body = strings.NewReplacer("TESTBIN", testBin, "SLEEP", sleep, "PIDS", pids).Replace(body)
	script := "#!/bin/sh\n" + body + "\n"
	path := filepath.Join(dir, name+".sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(script))
	return plugins.PluginConfig{Name: name, Path: path, SHA256: hex.EncodeToString(sum[:]), Kinds: []string{"test"}}, pids
}

// readPids waits (bounded) for the script to write its two pids.
func readPids(t *testing.T, file string) (shell, child int) {
	t.Helper()
	for i := 0; i < 500; i++ {
		b, _ := os.ReadFile(file)
		if f := strings.Fields(string(b)); len(f) == 2 {
			shell, _ = strconv.Atoi(f[0])
			child, _ = strconv.Atoi(f[1])
			if shell > 0 && child > 0 {
				return shell, child
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the script did not write its pids to %s", file)
	return 0, 0
}

// groupLive returns the live (not zombie) processes of process group pgid.
func groupLive(pgid int) []int {
	var out []int
	eachProc(func(pid int, f []string) { // state ppid pgrp …
		if len(f) >= 3 && f[2] == strconv.Itoa(pgid) && f[0] != "Z" && f[0] != "X" {
			out = append(out, pid)
		}
	})
	return out
}

// closeWithin closes m and fails the test if that takes beyond closeBound.
// A Close that hangs is left behind and the shell and its child are killed
// so that the test binary can end.
func closeWithin(t *testing.T, m *plugins.Manager, pids ...int) time.Duration {
	t.Helper()
	start := time.Now()
	done := make(chan struct{})
	go func() {
		m.Close()
		close(done)
	}()
	t.Cleanup(func() {
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
	})
	select {
	case <-done:
	case <-time.After(closeBound):
		t.Fatalf("Manager.Close still running after %v", closeBound)
	}
	return time.Since(start)
}

// checkGone fails unless the shell (the plugin's process, so the group
// leader) is reaped and no process of its group lives. The shell's child
// outlives it as an orphan of init, which reaps it (or, in a container
// whose init does not reap, leaves a zombie that holds no resources).
func checkGone(t *testing.T, shell, child int) {
	t.Helper()
	// The child got SIGKILL; the kernel may still be tearing it down (its
	// files, so the pipes, close before it turns zombie).
	for i := 0; i < 100 && (alive(child) || len(groupLive(shell)) > 0); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if st := procState(shell); st != 0 {
		t.Errorf("plugin shell %d not reaped: state %c", shell, st)
	}
	if alive(child) {
		t.Errorf("the shell's child %d is still alive", child)
	}
	if live := groupLive(shell); len(live) != 0 {
		t.Errorf("processes of group %d alive after Close: %v", shell, live)
	}
}

// TestCloseKillsScriptPluginGroup runs shell-script plugins that leave a
// child holding the plugin's stdout and stderr: Close must return in time
// and leave neither the shell nor its child.
func TestCloseKillsScriptPluginGroup(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		start bool // the plugin completes its handshake
	}{
		// a background sleep, then the real plugin
		{"sleep in background", "SLEEP 1000 &\necho $$ $! > PIDS\nexec TESTBIN", true},
		// the real plugin run without exec: the shell waits for it
		{"plugin without exec", "TESTBIN &\necho $$ $! > PIDS\nwait", true},
		// a plugin that never answers: the shell waits for sleep
		{"sleep without exec", "SLEEP 1000 &\necho $$ $! > PIDS\nwait", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, pidFile := scriptPlugin(t, "script", tt.body)
			lim := testLimits
			lim.StartTimeout = time.Second
			m, _ := newManager(t, lim, nil, cfg)
			err := m.StartAll(fetchCtx(t))
			shell, child := readPids(t, pidFile)
			if tt.start {
				if err != nil {
					t.Fatal(err)
				}
				got, err := m.Fetch(fetchCtx(t), spec("test", `{"text":"ok"}`), round)
				if err != nil || string(got) != "ok" {
					t.Fatalf("fetch: %q, %v", got, err)
				}
			} else if err == nil {
				t.Fatal("a plugin that never answers started")
			}
			took := closeWithin(t, m, shell, child)
			t.Logf("Close took %v", took)
			checkGone(t, shell, child)
		})
	}
}

// TestFailedStartsLeaveNoProcess restarts a plugin that never completes
// its handshake: every attempt's shell and child must be gone once the
// next attempt runs, not only at Close.
func TestFailedStartsLeaveNoProcess(t *testing.T) {
	cfg, pidFile := scriptPlugin(t, "silent", "SLEEP 1000 &\necho $$ $! > PIDS\nwait")
	lim := testLimits
	lim.StartTimeout = 300 * time.Millisecond
	lim.RestartBackoff = time.Millisecond
	m, _ := newManager(t, lim, nil, cfg)
	type attempt struct{ shell, child int }
	var attempts []attempt
	for i := 0; i < 3; i++ {
		os.Remove(pidFile)
		if err := m.StartAll(fetchCtx(t)); err == nil {
			t.Fatal("a plugin that never answers started")
		}
		shell, child := readPids(t, pidFile)
		attempts = append(attempts, attempt{shell, child})
		t.Cleanup(func() { syscall.Kill(shell, syscall.SIGKILL); syscall.Kill(child, syscall.SIGKILL) })
	}
	// The kills run in the background; each must finish within the bound.
	for _, a := range attempts[:len(attempts)-1] {
		deadline := time.Now().Add(closeBound)
		for (procState(a.shell) != 0 || alive(a.child)) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		checkGone(t, a.shell, a.child)
	}
	closeWithin(t, m)
	for _, a := range attempts {
		checkGone(t, a.shell, a.child)
	}
}

// TestCloseDuringStart closes the manager while a plugin that never
// answers is starting with a long start timeout: Close ends the start
// instead of waiting for its timeout.
func TestCloseDuringStart(t *testing.T) {
	cfg, pidFile := scriptPlugin(t, "slow", "SLEEP 1000 &\necho $$ $! > PIDS\nwait")
	lim := testLimits
	lim.StartTimeout = time.Minute
	m, _ := newManager(t, lim, nil, cfg)
	started := make(chan error, 1)
	go func() { started <- m.StartAll(fetchCtx(t)) }()
	shell, child := readPids(t, pidFile)
	took := closeWithin(t, m, shell, child)
	if took > 5*time.Second {
		t.Errorf("Close took %v during a start", took)
	}
	select {
	case err := <-started:
		if err == nil {
			t.Error("the start in progress at Close succeeded")
		}
	case <-time.After(closeBound):
		t.Error("the start in progress did not end at Close")
	}
	checkGone(t, shell, child)
}
