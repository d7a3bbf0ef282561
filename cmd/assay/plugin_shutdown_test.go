package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scriptPlugin writes a shell-script plugin that starts sleep(1000) in the
// background, holding the plugin's stdout and stderr, writes "SHELLPID
// SLEEPPID" to the returned pid file and then execs the ethfetcher
// example. It returns the [[plugins]] table.
func scriptPlugin(t *testing.T) (table, pidFile string) {
	t.Helper()
	eth, _ := buildEthfetcher(t)
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep(1):", err)
	}
	dir := t.TempDir()
	pidFile = filepath.Join(dir, "pids")
	script := fmt.Sprintf("#!/bin/sh\n%s 1000 &\necho $$ $! > %s\nexec %s\n", sleep, pidFile, eth)
	path := filepath.Join(dir, "wrapped.sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(script))
	return fmt.Sprintf("\n[[plugins]]\nname = \"wrapped\"\npath = %q\nsha256 = %q\n", path, hex.EncodeToString(sum[:])), pidFile
}

// scriptPids reads the pid file of scriptPlugin; killing them at cleanup
// lets a test that failed by hanging end.
func scriptPids(t *testing.T, file string) (plugin, sleep int) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the plugin script did not run: %v", err)
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		t.Fatalf("pid file %q", b)
	}
	plugin, _ = strconv.Atoi(f[0])
	sleep, _ = strconv.Atoi(f[1])
	t.Cleanup(func() {
		syscall.Kill(plugin, syscall.SIGKILL)
		syscall.Kill(sleep, syscall.SIGKILL)
	})
	return plugin, sleep
}

// checkPluginGone fails if the plugin (the group leader) is not reaped or
// a process of its group is alive. Orphans of init that died may remain
// as zombies where init does not reap (some containers).
func checkPluginGone(t *testing.T, pgid int) {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(b, ')')
		f := strings.Fields(string(b[i+1:])) // state ppid pgrp …
		if len(f) < 3 || f[2] != strconv.Itoa(pgid) {
			continue
		}
		if e.Name() == strconv.Itoa(pgid) {
			t.Errorf("plugin %d not reaped (state %s)", pgid, f[0])
		} else if f[0] != "Z" && f[0] != "X" {
			t.Errorf("process %s of the plugin's group %d alive (state %s)", e.Name(), pgid, f[0])
		}
	}
}

// TestPluginListExitsWithScriptPlugin: `assay plugin list` with a plugin
// whose background child holds its output pipes prints the table and
// exits, killing the child.
func TestPluginListExitsWithScriptPlugin(t *testing.T) {
	table, pidFile := scriptPlugin(t)
	cfg := writePluginConfig(t, table)
	var out, errb bytes.Buffer
	code := make(chan int, 1)
	start := time.Now()
	go func() { code <- run([]string{"plugin", "list", "--config", cfg}, &out, &errb) }()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit %d; stderr:\n%s", c, errb.String())
		}
	case <-time.After(20 * time.Second):
		scriptPids(t, pidFile)
		t.Fatalf("assay plugin list did not exit in 20 s; stdout so far:\n%s", out.String())
	}
	t.Logf("plugin list took %v", time.Since(start))
	if !strings.Contains(out.String(), "wrapped  eth_block  running") {
		t.Errorf("output:\n%s", out.String())
	}
	plugin, _ := scriptPids(t, pidFile)
	checkPluginGone(t, plugin)
}

// TestNodeStopWithHungPlugin stops a node whose plugin is hung (SIGSTOP)
// and has a child holding its output pipes: Stop returns within the 10 s
// a service manager gives after SIGTERM, and the plugin's group is gone.
func TestNodeStopWithHungPlugin(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	var out, errb bytes.Buffer
	if c := run([]string{"init", "--home", home, "--base-port", strconv.Itoa(freeBase(t, 1))}, &out, &errb); c != 0 {
		t.Fatalf("init: %d %s", c, errb.String())
	}
	table, pidFile := scriptPlugin(t)
	f, err := os.OpenFile(filepath.Join(home, assayConfigFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(table); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, err := startNode(ctx, home, nodeOptions{NoPrometheus: true})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			n.Stop()
		}
	})
	if err := n.mgr.StartAll(ctx); err != nil {
		t.Fatal(err)
	}
	plugin, _ := scriptPids(t, pidFile)
	if err := syscall.Kill(plugin, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	cancel()
	start := time.Now()
	if !stopWithin(n.Stop, 10*time.Second) {
		t.Fatal("node did not stop within 10 s")
	}
	stopped = true
	t.Logf("node stopped in %v", time.Since(start))
	checkPluginGone(t, plugin)
}
