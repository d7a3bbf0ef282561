package node

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// TestValidatorSetWarning reads the /validators answer of a real state
// machine after genesis: its validator gets no warning, another operator
// is told it is not in the set; a jailed one is told so.
func TestValidatorSetWarning(t *testing.T) {
	kv := state.NewMemKV()
	m, err := state.Open(kv, rules.V1())
	if err != nil {
		t.Fatal(err)
	}
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	member := tx.Address(pub)
	g := &state.Genesis{Validators: []state.GenesisValidator{{
		Operator: hex.EncodeToString(member), ConsensusPubKey: base64.StdEncoding.EncodeToString(pub),
		VRFPubKey: base64.StdEncoding.EncodeToString(pub), Stake: 100,
	}}}
	if _, _, err := m.InitGenesis("c1", g); err != nil {
		t.Fatal(err)
	}
	if err := m.Commit(); err != nil {
		t.Fatal(err)
	}
	answer, err := state.Query(kv, "/validators")
	if err != nil {
		t.Fatal(err)
	}
	stranger := bytes.Repeat([]byte{7}, tx.AddressLen)
	jailed := []byte(`[{"operator":"0707070707070707070707070707070707070707","jailed":true,"jailed_until":300}]`)
	tests := []struct {
		name     string
		answer   []byte
		operator []byte
		want     string
	}{
		{"member", answer, member, ""},
		{"stranger", answer, stranger, "operator 0707070707070707070707070707070707070707 is not in the chain's validator set (1 validators)"},
		{"jailed", jailed, stranger, "is jailed until height 300"},
		{"empty set", []byte(`[]`), member, "not in the chain's validator set (0 validators)"},
	}
	for _, tc := range tests {
		got, err := validatorSetWarning(tc.answer, tc.operator)
		if err != nil || (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: warning %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := validatorSetWarning([]byte("{"), member); err == nil {
		t.Error("a bad answer gave no error")
	}
}

// syncBuffer is a bytes.Buffer safe for the node's logging goroutines.
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

// TestStartWarnings starts a real single-validator node whose operator
// key was replaced by one outside the genesis validator set, in a 0644
// file: the node logs both warnings.
func TestStartWarnings(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	homes, err := WriteTestnet(t.TempDir(), TestnetOptions{ChainID: "c1", Nodes: 1, Stake: 100})
	if err != nil {
		t.Fatal(err)
	}
	home := homes[0].Dir
	keyPath := filepath.Join(home, OperatorKeyFile)
	kf, _, err := cometnode.NewKeyFile("stranger")
	if err != nil {
		t.Fatal(err)
	}
	if err := kf.Save(keyPath); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(keyPath, 0o644); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := Open(ctx, home, Options{Logger: logger, NoPrometheus: true})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Stop()
	if err := n.Start(ctx); err != nil {
		t.Fatal(err)
	}
	n.warnIfNotValidator(ctx) // as Start does in the background, here to the end
	for _, want := range []string{
		"key file " + keyPath + " is accessible by group or others (mode 0644); run: chmod 600 " + keyPath,
		"operator " + kf.Address + " is not in the chain's validator set (1 validators)",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

func TestLogTo(t *testing.T) {
	var b strings.Builder
	o, err := LogTo(&b, "warn")
	if err != nil {
		t.Fatal(err)
	}
	o.Logger.Info("hidden")
	o.Logger.Warn("shown")
	if s := b.String(); strings.Contains(s, "hidden") || !strings.Contains(s, "shown") || o.Comet == nil {
		t.Errorf("LogTo(warn) wrote %q (comet logger %v)", s, o.Comet)
	}
	if _, err := LogTo(&b, "loud"); err == nil {
		t.Error(`LogTo("loud"): no error`)
	}
}
