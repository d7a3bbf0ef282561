package plugins_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins"
)

// testBin is the testdata/testplugin binary, built once by TestMain, and
// testSum its hex SHA-256.
var testBin, testSum string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "assay-plugins-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testBin = filepath.Join(dir, "testplugin")
	out, err := exec.Command("go", "build", "-o", testBin, "./testdata/testplugin").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building testplugin: %v\n%s", err, out)
		os.Exit(1)
	}
	b, err := os.ReadFile(testBin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s := sha256.Sum256(b)
	testSum = hex.EncodeToString(s[:])
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// pluginCfg configures the test plugin under name with env and declared
// kinds.
func pluginCfg(name string, env map[string]string, kinds ...string) plugins.PluginConfig {
	return plugins.PluginConfig{Name: name, Path: testBin, SHA256: testSum, Env: env, Kinds: kinds}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testLimits are limits for tests: generous for starts (a loaded CI
// machine can take seconds to start a process), short for backoff.
var testLimits = plugins.Limits{
	Timeout:        10 * time.Second,
	MaxBytes:       1 << 20,
	StartTimeout:   20 * time.Second,
	RestartBackoff: 50 * time.Millisecond,
	HealthInterval: -1,
}

// newManager returns a Manager over ps whose log goes to the returned
// buffer; it is closed at the end of the test.
func newManager(t testing.TB, lim plugins.Limits, builtins []plugins.Fetcher, ps ...plugins.PluginConfig) (*plugins.Manager, *syncBuffer) {
	t.Helper()
	var logs syncBuffer
	m, err := plugins.NewManager(plugins.Options{
		Plugins:  ps,
		Builtins: builtins,
		Limits:   lim,
		Logger:   slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, &logs
}

// spec returns a fetch spec of kind with a JSON config.
func spec(kind, config string) plugins.FetchSpec {
	return plugins.FetchSpec{Kind: kind, Config: []byte(config)}
}

var round = plugins.Round{Source: "src", Height: 7, Time: 1_700_000_000e9, Window: 60}

// alive reports whether a process exists and is not a zombie.
func alive(pid int) bool {
	st := procState(pid)
	return st != 0 && st != 'Z' && st != 'X'

}

func fetchCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// procState returns the state letter of a process (R, S, T, Z…), or 0.
func procState(pid int) byte {
	f := statFields(pid)
	if len(f) == 0 {
		return 0
	}
	return f[0][0]
}

// statFields returns the fields of /proc/PID/stat after the command
// name (state ppid pgrp …), or nil if the process is gone.
func statFields(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(b[i+1:]))
}

// eachProc calls fn with the pid and the stat fields (see statFields) of
// every process in /proc.
func eachProc(fn func(pid int, stat []string)) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f := statFields(pid); f != nil {
			fn(pid, f)
		}
	}
}

// children returns the pids of this process's children running testBin.
func children() []int {
	var pids []int
	eachProc(func(pid int, f []string) {
		if len(f) < 2 || f[1] != strconv.Itoa(os.Getpid()) {
			return
		}
		if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); exe == testBin {
			pids = append(pids, pid)
		}
	})
	return pids
}
