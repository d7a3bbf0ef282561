package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/authoring"
)

// The node of docs/authors.md section 9: `assay init` on CometBFT's usual
// ports, read by the client commands through their defaults.
const (
	docDefaultRPC     = "127.0.0.1:26657"
	docDefaultGateway = "127.0.0.1:26659"
	docSource         = "temps"                       // the source id the page registers
	docInput          = "devnode/inputs/reading.json" // the input it feeds the source
	docOutput         = "reading.out"                 // where the page writes the dataset
)

// docNode runs the page's node on free loopback ports: `assay init` gets
// --base-port, the default RPC and gateway addresses in commands are
// rewritten, and $ASSAY_NODE, $ASSAY_GATEWAY and $ASSAY_KEYRING point at
// that node and a temporary keyring. Background commands are stopped at
// the end of the test.
type docNode struct {
	t     *testing.T
	work  string
	base  int
	procs []*exec.Cmd
}

func newDocNode(t *testing.T, work string) *docNode {
	n := &docNode{t: t, work: work, base: freeBase(t, 1)}
	t.Setenv("ASSAY_NODE", "tcp://"+n.addr(1))
	t.Setenv("ASSAY_GATEWAY", "http://"+n.addr(3))
	t.Setenv("ASSAY_KEYRING", filepath.Join(work, "keys"))
	t.Cleanup(n.stop)
	return n
}

func (n *docNode) addr(off int) string { return fmt.Sprintf("127.0.0.1:%d", n.base+off) }

// localize moves command c from the default ports to the node's.
func (n *docNode) localize(c string) string {
	if strings.HasPrefix(c, "assay init ") {
		c += fmt.Sprintf(" --base-port %d", n.base)
	}
	c = strings.ReplaceAll(c, docDefaultRPC, n.addr(1))
	return strings.ReplaceAll(c, docDefaultGateway, n.addr(3))
}

// background starts shell command c (a node) and keeps it until cleanup.
func (n *docNode) background(c string) {
	n.t.Helper()
	cmd := exec.Command("sh", "-c", "exec "+c)
	if err := cmd.Start(); err != nil {
		n.t.Fatalf("$ %s &: %v", c, err)
	}
	n.procs = append(n.procs, cmd)
	n.t.Logf("$ %s & (pid %d)", c, cmd.Process.Pid)
}

// stop ends the background processes with SIGTERM, waiting at most 20 s
// each before killing, and shows the node logs of a failed test.
func (n *docNode) stop() {
	for _, cmd := range n.procs {
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			n.t.Errorf("pid %d ignored SIGTERM for 20 s; killed", cmd.Process.Pid)
			_ = cmd.Process.Kill()
			<-done
		}
	}
	if !n.t.Failed() {
		return
	}
	logs, _ := filepath.Glob(filepath.Join(n.work, "*.log"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		n.t.Logf("%s (tail):\n%s", filepath.Base(l), tail(string(b), 4000))
	}
}

// check asserts what the page's section 9 claims, beyond its commands
// exiting 0: the source resolved ACCEPTED on chain with the output CID
// that a local `assay validator run` gives for the same input, and the
// bytes written from the gateway are that output.
func (n *docNode) check() {
	t := n.t
	t.Helper()
	if len(n.procs) == 0 {
		t.Fatal("docs/authors.md started no node")
	}
	var page state.Page[state.DatasetView]
	if err := json.Unmarshal(n.assay("dataset", "list", docSource, "--json"), &page); err != nil {
		t.Fatalf("dataset list: %v", err)
	}
	ds := page.Items
	var latest state.DatasetView
	if err := json.Unmarshal(n.assay("dataset", "latest", docSource, "--json"), &latest); err != nil {
		t.Fatalf("dataset latest: %v", err)
	}
	if len(ds) == 0 || latest.Round != ds[0].Round || latest.Time == "" || page.Truncated {
		t.Fatalf("latest %+v, first of page %+v (truncated %v)", latest, ds, page.Truncated)
	}
	var local authoring.RunReport // the `validator run --json` record
	wasm := filepath.Join("temps", "temps.wasm")
	if err := json.Unmarshal(n.assay("validator", "run", wasm, "--input", docInput, "--json"), &local); err != nil {
		t.Fatalf("validator run: %v", err)
	}
	if len(ds) == 0 || ds[0].Status != "ACCEPTED" || ds[0].OutputCID != local.OutputCID {
		t.Fatalf("datasets %+v, want ACCEPTED with the local output %+v", ds, local)
	}
	got, err := os.ReadFile(docOutput)
	if err != nil {
		t.Fatal(err)
	}
	if want := n.assay("dataset", "get", local.OutputCID); !bytes.Equal(got, want) || len(got) == 0 {
		t.Fatalf("%s = %q, gateway has %q", docOutput, got, want)
	}
}

// assay runs the CLI in process and returns its stdout.
func (n *docNode) assay(args ...string) []byte {
	n.t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		n.t.Fatalf("assay %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.Bytes()
}
