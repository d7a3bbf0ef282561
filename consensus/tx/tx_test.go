package tx_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
)

const chainID = "assay-test"

func key(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func unjail() *pb.TxBody { return &pb.TxBody{Kind: &pb.TxBody_Unjail{Unjail: &pb.Unjail{}}} }

func TestSignDecodeVerify(t *testing.T) {
	k := key(1)
	raw, err := tx.Sign(chainID, k, 7, unjail())
	if err != nil {
		t.Fatal(err)
	}
	d, err := tx.Decode(raw, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Verify(chainID); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if d.Tx.Sequence != 7 || tx.Kind(d.Body) != "unjail" {
		t.Fatalf("decoded %v", d.Tx)
	}
	if want := tx.Address(k.Public().(ed25519.PublicKey)); !bytes.Equal(d.Address, want) {
		t.Fatalf("address %x, want %x", d.Address, want)
	}
	h := sha256.Sum256(k.Public().(ed25519.PublicKey))
	if !bytes.Equal(d.Address, h[:20]) {
		t.Fatal("address is not the first 20 bytes of sha256(pubkey)")
	}
	if err := d.Verify("other-chain"); !errors.Is(err, tx.ErrSignature) {
		t.Fatalf("other chain: %v", err)
	}
	d.Tx.Sequence = 8
	if err := d.Verify(chainID); !errors.Is(err, tx.ErrSignature) {
		t.Fatalf("changed sequence: %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	good, err := tx.Sign(chainID, key(2), 0, unjail())
	if err != nil {
		t.Fatal(err)
	}
	env := func(mut func(*pb.Tx)) []byte {
		var t0 pb.Tx
		if err := proto.Unmarshal(good, &t0); err != nil {
			t.Fatal(err)
		}
		mut(&t0)
		b, _ := proto.Marshal(&t0)
		return b
	}
	tests := []struct {
		name string
		raw  []byte
		max  int
		want error
	}{
		{"too large", good, len(good) - 1, tx.ErrTooLarge},
		{"garbage", []byte{0xff, 0xff, 0xff}, 100, tx.ErrMalformed},
		{"short signer", env(func(x *pb.Tx) { x.Signer = x.Signer[:5] }), 1 << 20, tx.ErrMalformed},
		{"short signature", env(func(x *pb.Tx) { x.Signature = nil }), 1 << 20, tx.ErrMalformed},
		{"empty body", env(func(x *pb.Tx) { x.Body = nil }), 1 << 20, tx.ErrMalformed},
		{"body garbage", env(func(x *pb.Tx) { x.Body = []byte{0x0a, 0xff} }), 1 << 20, tx.ErrMalformed},
		{"unknown field", append(append([]byte{}, good...), 0x50, 0x01), 1 << 20, tx.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tx.Decode(tt.raw, tt.max); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestCommitHash checks CommitHash against a byte-by-byte construction of
// the layout in docs/protocol.md and that every field changes the hash.
func TestCommitHash(t *testing.T) {
	op := bytes.Repeat([]byte{0xab}, 20)
	salt := bytes.Repeat([]byte{0x5a}, 32)
	v := &pb.Verdict{Status: 1, OutputCid: []byte{1, 0x55, 0x12, 0x20, 9}, InputCid: []byte{1, 0x70}, GasUsed: 258}
	var m []byte
	m = append(m, "assay/commit/v1"...)
	m = append(m, 0, byte(len(chainID)))
	m = append(m, chainID...)
	m = append(m, 0, 4)
	m = append(m, "feed"...)
	m = append(m, 0, 0, 0, 0, 0, 0, 0, 42)
	m = append(m, op...)
	m = append(m, 1, 0, 5, 1, 0x55, 0x12, 0x20, 9, 0, 2, 1, 0x70, 0, 0, 0, 0, 0, 0, 1, 2)
	m = append(m, salt...)
	want := sha256.Sum256(m)
	got := tx.CommitHash(chainID, "feed", 42, op, v, salt)
	if got != want {
		t.Fatalf("commit hash %x, want %x", got, want)
	}
	variants := []func() [32]byte{
		func() [32]byte { return tx.CommitHash("x", "feed", 42, op, v, salt) },
		func() [32]byte { return tx.CommitHash(chainID, "feee", 42, op, v, salt) },
		func() [32]byte { return tx.CommitHash(chainID, "feed", 43, op, v, salt) },
		func() [32]byte { return tx.CommitHash(chainID, "feed", 42, bytes.Repeat([]byte{1}, 20), v, salt) },
		func() [32]byte {
			w := proto.Clone(v).(*pb.Verdict)
			w.GasUsed++
			return tx.CommitHash(chainID, "feed", 42, op, w, salt)
		},
		func() [32]byte { return tx.CommitHash(chainID, "feed", 42, op, v, make([]byte, 32)) },
	}
	for i, f := range variants {
		if f() == want {
			t.Errorf("variant %d did not change the hash", i)
		}
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := tx.Sign(chainID, key(3), 1, unjail())
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x00})
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := tx.Decode(raw, 1<<16)
		if err != nil {
			return
		}
		_ = d.Verify(chainID)
		if len(d.Address) != tx.AddressLen || d.Body.Kind == nil {
			t.Fatalf("decoded a bad tx: %v", d.Tx)
		}
	})
}
