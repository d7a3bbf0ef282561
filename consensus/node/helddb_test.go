package node

import (
	"testing"

	dbm "github.com/cometbft/cometbft-db"
)

// TestHeldDB: CometBFT's Close leaves the database open; after closeHeld,
// reads find nothing (no error for the stores to panic on) and writes fail.
func TestHeldDB(t *testing.T) {
	d := &heldDB{DB: dbm.NewMemDB()}
	if err := d.Set([]byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if v, err := d.Get([]byte("k")); err != nil || string(v) != "v" {
		t.Fatalf("after Close: %q, %v", v, err)
	}
	d.closeHeld()
	d.closeHeld() // twice is fine
	if v, err := d.Get([]byte("k")); err != nil || v != nil {
		t.Errorf("Get after closeHeld = %q, %v, want nil, nil", v, err)
	}
	if ok, err := d.Has([]byte("k")); err != nil || ok {
		t.Errorf("Has after closeHeld = %v, %v", ok, err)
	}
	if err := d.Set([]byte("k"), []byte("w")); err == nil {
		t.Error("Set after closeHeld succeeded")
	}
	if _, err := d.Iterator(nil, nil); err == nil {
		t.Error("Iterator after closeHeld succeeded")
	}
}
