package pin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	cid "github.com/ipfs/go-cid"
)

// exportFixture adds content to a fresh memory store and exports it.
func exportFixture(t testing.TB, content []byte) (cid.Cid, []byte) {
	t.Helper()
	ctx := context.Background()
	src, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	root, err := src.AddBytes(ctx, content)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := src.ExportCAR(ctx, root, &buf); err != nil {
		t.Fatalf("ExportCAR: %v", err)
	}
	return root, buf.Bytes()
}

func TestCARRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, size := range []int{0, 10, ChunkSize, 4*ChunkSize + 5} {
		content := data(t, "car", size)
		root, carBytes := exportFixture(t, content)
		blocks := carBlocks(t, carBytes, root)
		if want := (size+ChunkSize-1)/ChunkSize + 1; size > ChunkSize && blocks.Len() != want {
			t.Fatalf("size %d: CAR has %d blocks, want %d", size, blocks.Len(), want)
		}

		dst := openT(t, t.TempDir())
		roots, err := dst.ImportCAR(ctx, bytes.NewReader(carBytes))
		if err != nil {
			t.Fatalf("size %d: ImportCAR: %v", size, err)
		}
		if len(roots) != 1 || !roots[0].Equals(root) {
			t.Fatalf("size %d: roots %v, want [%s]", size, roots, root)
		}
		if err := dst.Pin(ctx, root, "imported"); err != nil {
			t.Fatalf("size %d: pin imported DAG: %v", size, err)
		}
		mustGet(t, dst, root, content)
		dst.Close()
	}
}

func TestExportCARIsDeterministic(t *testing.T) {
	content := data(t, "car-det", 3*ChunkSize)
	_, a := exportFixture(t, content)
	_, b := exportFixture(t, content)
	if !bytes.Equal(a, b) {
		t.Fatal("two exports of the same DAG differ")
	}
}

func TestImportCARRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	content := data(t, "car-bad", 2*ChunkSize+1)
	_, good := exportFixture(t, content)
	tampered := append([]byte{}, good...)
	tampered[len(tampered)-10] ^= 1 // inside the last block's data

	tests := []struct {
		name string
		in   []byte
		is   error // nil: any error
	}{
		{"tampered block", tampered, ErrCorrupt},
		{"truncated", good[:len(good)-100], nil},
		{"empty", nil, nil},
		{"garbage", []byte("this is not a car file at all"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := OpenMemory()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err = s.ImportCAR(ctx, bytes.NewReader(tt.in))
			if err == nil {
				t.Fatal("ImportCAR accepted bad input")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("ImportCAR: err = %v, want %v", err, tt.is)
			}
		})
	}
}

func TestExportCARMissingBlock(t *testing.T) {
	s, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	unknown, _ := SumBytes([]byte("absent"))
	var buf bytes.Buffer
	if err := s.ExportCAR(context.Background(), unknown, &buf); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ExportCAR of an absent CID: err = %v, want ErrNotFound", err)
	}
}

// readBounded streams at most limit bytes of c, ignoring errors.
func readBounded(ctx context.Context, s *Store, c cid.Cid, limit int64) {
	f, err := s.Cat(ctx, c)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(f, limit))
}

// FuzzImportCAR feeds arbitrary bytes to ImportCAR: it must return (an
// error or roots) without panicking, and whatever it stored must read back
// hash-checked.
func FuzzImportCAR(f *testing.F) {
	_, small := exportFixture(f, []byte("hello world\n"))
	_, multi := exportFixture(f, bytes.Repeat([]byte("ab"), ChunkSize))
	f.Add(small)
	f.Add(multi[:300])
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0xa1, 0x67})
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := OpenMemory()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		roots, err := s.ImportCAR(ctx, bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, r := range roots[:min(len(roots), 4)] {
			readBounded(ctx, s, r, 1<<20) // must not panic or hang
		}
		err = s.eachBlock(ctx, func(c cid.Cid) error {
			_, err := s.blocks.Get(ctx, c)
			return err
		})
		if err != nil {
			t.Fatalf("stored block does not read back: %v", err)
		}
	})
}
