package seed_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/assaynet/assay/consensus/seed"
)

var update = flag.Bool("update", false, "rewrite testdata/seed_vectors.json")

const vectorsPath = "../testdata/seed_vectors.json"

// vector is one golden step of the seed chain (docs/protocol.md section 1).
type vector struct {
	ChainID   string `json:"chain_id,omitempty"` // first step only: prev_seed = Genesis(chain_id)
	KeySeed   string `json:"vrf_key_seed"`       // hex, 32 bytes: the ed25519 seed of the VRF key
	PublicKey string `json:"vrf_pubkey"`         // hex, 32 bytes
	PrevSeed  string `json:"prev_seed"`          // hex, 32 bytes
	Proof     string `json:"proof"`              // hex, 80 bytes
	Output    string `json:"output"`             // hex, 64 bytes
	NextSeed  string `json:"next_seed"`          // hex, 32 bytes
}

func key(name string) ed25519.PrivateKey {
	s := sha256.Sum256([]byte("vrf/" + name))
	return ed25519.NewKeyFromSeed(s[:])
}

// generate runs the chain "assay-golden" for six blocks, proposers in turn.
func generate() []vector {
	prev := seed.Genesis("assay-golden")
	var out []vector
	for i := 0; i < 6; i++ {
		k := key(fmt.Sprintf("validator-%d", i%4))
		proof := seed.Prove(k, prev)
		o, err := seed.Verify(k.Public().(ed25519.PublicKey), prev, proof)
		if err != nil {
			panic(err)
		}
		next := seed.Next(prev, o)
		v := vector{KeySeed: hex.EncodeToString(k.Seed()), PublicKey: hex.EncodeToString(k.Public().(ed25519.PublicKey)),
			PrevSeed: hex.EncodeToString(prev[:]), Proof: hex.EncodeToString(proof), Output: hex.EncodeToString(o), NextSeed: hex.EncodeToString(next[:])}
		if i == 0 {
			v.ChainID = "assay-golden"
		}
		out = append(out, v)
		prev = next
	}
	return out
}

func unhex(t *testing.T, s string, n int) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != n {
		t.Fatalf("%q: want %d hex bytes", s, n)
	}
	return b
}

// TestGoldenVectors checks every step of testdata/seed_vectors.json: the
// genesis seed, the proof (ECVRF proofs are deterministic), its
// verification, the output and the next seed.
func TestGoldenVectors(t *testing.T) {
	if *update {
		b, _ := json.MarshalIndent(generate(), "", "  ")
		if err := os.WriteFile(vectorsPath, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 4 {
		t.Fatalf("%d vectors", len(vs))
	}
	for i, v := range vs {
		prev := [32]byte(unhex(t, v.PrevSeed, 32))
		if v.ChainID != "" && seed.Genesis(v.ChainID) != prev {
			t.Errorf("vector %d: Genesis(%q) = %x, want %s", i, v.ChainID, seed.Genesis(v.ChainID), v.PrevSeed)
		}
		if i > 0 && vs[i-1].NextSeed != v.PrevSeed {
			t.Errorf("vector %d: prev_seed is not vector %d's next_seed", i, i-1)
		}
		k := ed25519.NewKeyFromSeed(unhex(t, v.KeySeed, 32))
		pub := unhex(t, v.PublicKey, 32)
		if !bytes.Equal(k.Public().(ed25519.PublicKey), pub) {
			t.Errorf("vector %d: vrf_pubkey is not the key's", i)
		}
		proof := unhex(t, v.Proof, seed.ProofSize)
		if got := seed.Prove(k, prev); !bytes.Equal(got, proof) {
			t.Errorf("vector %d: Prove = %x, want %s", i, got, v.Proof)
		}
		out, err := seed.Verify(pub, prev, proof)
		if err != nil || hex.EncodeToString(out) != v.Output {
			t.Errorf("vector %d: Verify = %x, %v; want %s", i, out, err, v.Output)
		}
		if next := seed.Next(prev, unhex(t, v.Output, seed.OutputSize)); hex.EncodeToString(next[:]) != v.NextSeed {
			t.Errorf("vector %d: Next = %x, want %s", i, next, v.NextSeed)
		}
		// Next is SHA-256(tag ‖ prev ‖ output), read literally.
		lit := sha256.Sum256(append(append([]byte("assay/seed/v2"), prev[:]...), out...))
		if hex.EncodeToString(lit[:]) != v.NextSeed {
			t.Errorf("vector %d: literal next seed %x", i, lit)
		}
	}
}

// TestVerifyRefuses covers the proofs a byzantine proposer could send:
// over the wrong seed, under someone else's key, a replayed (earlier)
// proof, a flipped bit, and wrong lengths.
func TestVerifyRefuses(t *testing.T) {
	a, b := key("a"), key("b")
	s0 := seed.Genesis("c")
	p0 := seed.Prove(a, s0)
	o0, err := seed.Verify(a.Public().(ed25519.PublicKey), s0, p0)
	if err != nil {
		t.Fatal(err)
	}
	s1 := seed.Next(s0, o0)
	flipped := bytes.Clone(seed.Prove(a, s1))
	flipped[40] ^= 1
	for _, tc := range []struct {
		name  string
		pub   []byte
		prev  [32]byte
		proof []byte
	}{
		{"wrong seed", a.Public().(ed25519.PublicKey), s1, seed.Prove(a, s0)},
		{"replayed proof", a.Public().(ed25519.PublicKey), s1, p0},
		{"other key", a.Public().(ed25519.PublicKey), s1, seed.Prove(b, s1)},
		{"flipped bit", a.Public().(ed25519.PublicKey), s1, flipped},
		{"short proof", a.Public().(ed25519.PublicKey), s1, seed.Prove(a, s1)[:79]},
		{"empty proof", a.Public().(ed25519.PublicKey), s1, nil},
		{"short key", a.Public().(ed25519.PublicKey)[:31], s1, seed.Prove(a, s1)},
		{"zero key", make([]byte, 32), s1, seed.Prove(a, s1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := seed.Verify(tc.pub, tc.prev, tc.proof); !errors.Is(err, seed.ErrProof) {
				t.Fatalf("Verify = %v, want ErrProof", err)
			}
		})
	}
}

func TestTx(t *testing.T) {
	p := seed.Prove(key("a"), seed.Genesis("c"))
	raw := seed.EncodeTx(p)
	if !seed.IsTx(raw) || len(raw) != seed.TxSize {
		t.Fatalf("EncodeTx: %x", raw)
	}
	got, err := seed.DecodeTx(raw)
	if err != nil || !bytes.Equal(got, p) {
		t.Fatalf("DecodeTx = %x, %v", got, err)
	}
	for _, bad := range [][]byte{nil, raw[:len(raw)-1], append(bytes.Clone(raw), 0), []byte("\x0a\x02hi")} {
		if _, err := seed.DecodeTx(bad); !errors.Is(err, seed.ErrTx) {
			t.Errorf("DecodeTx(%x) = %v", bad, err)
		}
	}
}

func TestCheckPublicKey(t *testing.T) {
	if err := seed.CheckPublicKey(key("a").Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	one := make([]byte, 32)
	one[0] = 1 // the identity point: small order
	for _, bad := range [][]byte{nil, make([]byte, 31), one, bytes.Repeat([]byte{0xff}, 32)} {
		if err := seed.CheckPublicKey(bad); !errors.Is(err, seed.ErrKey) {
			t.Errorf("CheckPublicKey(%x) = %v", bad, err)
		}
	}
}
