package pin

import (
	"context"
	"errors"
	"testing"

	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"
)

// TestGetRejectsNonFiles: Get and Cat of DAGs that are not UnixFS files
// give an error, never a panic or bytes.
func TestGetRejectsNonFiles(t *testing.T) {
	ctx := context.Background()
	s, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	dir := merkledag.NodeWithData(ft.FolderPBData())
	if err := s.dag.Add(ctx, dir); err != nil {
		t.Fatal(err)
	}
	junkPB := merkledag.NodeWithData([]byte("not unixfs"))
	if err := s.dag.Add(ctx, junkPB); err != nil {
		t.Fatal(err)
	}
	cborData := []byte{0xa1, 0x61, 0x61, 0x01} // {"a": 1}
	hash, err := mh.Sum(cborData, mh.SHA2_256, -1)
	if err != nil {
		t.Fatal(err)
	}
	cborBlock, err := blocks.NewBlockWithCid(cborData, cid.NewCidV1(cid.DagCBOR, hash))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.bserv.AddBlock(ctx, cborBlock); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		c    cid.Cid
	}{
		{"unixfs directory", dir.Cid()},
		{"dag-pb without unixfs data", junkPB.Cid()},
		{"dag-cbor", cborBlock.Cid()},
		{"undefined cid", cid.Undef},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Get(ctx, tt.c)
			if err == nil {
				t.Fatalf("Get returned %d bytes and no error", len(got))
			}
			if _, err := s.Cat(ctx, tt.c); err == nil {
				t.Fatal("Cat: no error")
			}
		})
	}
}

func TestUnpinUnknown(t *testing.T) {
	s, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, _ := SumBytes([]byte("never pinned"))
	if err := s.Unpin(context.Background(), c); !errors.Is(err, ErrNotPinned) {
		t.Fatalf("Unpin of an unpinned CID: err = %v, want ErrNotPinned", err)
	}
}
