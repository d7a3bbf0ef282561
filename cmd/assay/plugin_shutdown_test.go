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

	"github.com/assaynet/assay/node"
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
	// The group got SIGKILL; the kernel may still be tearing a child down.
	for i := 0; i < 100 && syscall.Kill(-pgid, 0) == nil && !groupDead(pgid); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	for pid, st := range groupStates(pgid) {
		if pid == pgid {
			t.Errorf("plugin %d not reaped (state %s)", pgid, st)
		} else if st != "Z" && st != "X" {
			t.Errorf("process %d of the plugin's group %d alive (state %s)", pid, pgid, st)
		}
	}
}

// groupDead reports whether every process of group pgid is a zombie.
func groupDead(pgid int) bool {
	for _, st := range groupStates(pgid) {
		if st != "Z" && st != "X" {
			return false
		}
	}
	return true
}

// groupStates maps each process of group pgid to its state in
// /proc/PID/stat.
func groupStates(pgid int) map[int]string {
	out := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(b, ')')
		f := strings.Fields(string(b[i+1:])) // state ppid pgrp …
		if len(f) >= 3 && f[2] == strconv.Itoa(pgid) {
			out[pid] = f[0]
		}
	}
	return out
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
	f, err := os.OpenFile(filepath.Join(home, node.ConfigFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(table); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, err := node.Start(ctx, home, node.Options{NoPrometheus: true})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			n.Stop()
		}
	})
	if err := n.Plugins().StartAll(ctx); err != nil {
		t.Fatal(err)
	}
	plugin, _ := scriptPids(t, pidFile)
	if err := syscall.Kill(plugin, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	cancel()
	start := time.Now()
	if !n.StopWithin(10 * time.Second) {
		t.Fatal("node did not stop within 10 s")
	}
	stopped = true
	t.Logf("node stopped in %v", time.Since(start))
	checkPluginGone(t, plugin)
}

// TestStartSIGTERMWithHungPlugin: a real `assay start` whose plugin (a
// script that starts a background sleep, then execs the test plugin) was
// started by the worker's fetches and then hung (SIGSTOP) exits within
// 10 s of SIGTERM, leaving no process of the plugin's group, and CometBFT
// logs no error while stopping.
func TestStartSIGTERMWithHungPlugin(t *testing.T) {
	needE2E(t)
	c := newCluster(t, 1)
	testplugin := filepath.Join(c.dir, "testplugin")
	if out, err := exec.Command("go", "build", "-o", testplugin, "../../plugins/testdata/testplugin").CombinedOutput(); err != nil {
		t.Fatalf("go build testplugin: %v\n%s", err, out)
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep(1):", err)
	}
	pidFile := filepath.Join(c.dir, "pids")
	script := fmt.Sprintf("#!/bin/sh\n%s 1000 &\necho $$ $! > %s\nexec %s\n", sleep, pidFile, testplugin)
	path := filepath.Join(c.dir, "wrapped.sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(script))
	f, err := os.OpenFile(filepath.Join(c.home(0), node.ConfigFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\n[[plugins]]\nname = \"wrapped\"\npath = %q\nsha256 = %q\nkinds = [\"test\"]\n", path, hex.EncodeToString(sum[:]))
	f.Close()

	logf, err := os.Create(filepath.Join(c.dir, "node0.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(c.bin, "start", "--home", c.home(0))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	if !waitFor(60*time.Second, func() bool { return c.height(0) >= 2 }) {
		t.Fatal("no blocks within 60 s")
	}
	code, err := filepath.Abs(echoWasm)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(c.dir, "hung.toml")
	body := fmt.Sprintf("id = \"hung\"\ncode_file = %q\nevery = 2\nreplicas = 1\ngas_limit = 10_000_000\nmax_output = 65536\n\n[fetch]\nkind = \"test\"\n[fetch.config]\ntext = \"in {{height}}\"\n", code)
	if err := os.WriteFile(src, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c.cli("keys", "add", "owner", "--keyring", c.keys)
	c.cli("source", "register", src, "--key", "owner", "--keyring", c.keys, "--node", c.rpc(0))
	if !waitFor(60*time.Second, func() bool { _, err := os.Stat(pidFile); return err == nil }) {
		t.Fatal("the worker did not start the plugin within 60 s")
	}
	plugin, _ := scriptPids(t, pidFile)
	if err := syscall.Kill(plugin, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		t.Logf("assay start exited %v after %v", err, time.Since(start))
		if err != nil {
			t.Errorf("assay start exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		b, _ := os.ReadFile(logf.Name())
		t.Fatalf("assay start still running 10 s after SIGTERM; log tail:\n%s", tail(string(b), 3000))
	}
	checkPluginGone(t, plugin)
	// CometBFT logs errors only here: its stop must log none. (go-plugin
	// logs the hung plugin's SIGKILL at error level, rightly.)
	b, _ := os.ReadFile(logf.Name())
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "E[") {
			t.Errorf("CometBFT logged an error: %s", line)
		}
	}
}
