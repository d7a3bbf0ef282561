package dataimage

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func load(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hasSection reports whether a well-formed module has a section id.
func hasSection(t *testing.T, wasm []byte, id byte) bool {
	t.Helper()
	secs, err := sections(wasm)
	if err != nil {
		t.Fatalf("sections: %v", err)
	}
	for _, s := range secs {
		if s.id == id {
			return true
		}
	}
	return false
}

func TestSplit(t *testing.T) {
	want := make([]byte, 65536-100)
	copy(want, "abXYef")
	copy(want[65530-100:], "end!!!")
	tests := []struct {
		name   string
		ok     bool
		offset uint32
		image  []byte
	}{
		{"overlap.wasm", true, 100, want},
		{"passive.wasm", false, 0, nil},
		{"bulk.wasm", false, 0, nil},
		{"oob.wasm", false, 0, nil},
		{"nomem.wasm", false, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wasm := load(t, tt.name)
			stripped, img, ok := Split(wasm)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if img.Offset != tt.offset || !bytes.Equal(img.Bytes, tt.image) {
				t.Errorf("image at %d, %d bytes; want at %d, %d bytes", img.Offset, len(img.Bytes), tt.offset, len(tt.image))
			}
			if hasSection(t, stripped, secData) || !hasSection(t, stripped, secMemory) {
				t.Error("stripped module still has data or lost memory")
			}
			if len(stripped) >= len(wasm) {
				t.Errorf("stripped %d bytes, original %d", len(stripped), len(wasm))
			}
		})
	}
}

func TestSplitGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("\x00asm"), []byte("\x00asm\x01\x00\x00\x00\x0b\xff"), []byte("not wasm at all")} {
		if _, _, ok := Split(b); ok {
			t.Errorf("Split(%q) accepted", b)
		}
	}
}

// FuzzSplit: any bytes are declined or split into a module without a data
// section and an image no larger than the declared minimum memory.
func FuzzSplit(f *testing.F) {
	for _, n := range []string{"overlap.wasm", "passive.wasm", "bulk.wasm", "oob.wasm", "nomem.wasm"} {
		f.Add(load(f, n))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		stripped, img, ok := Split(b)
		if !ok {
			return
		}
		if uint64(img.Offset)+uint64(len(img.Bytes)) > 1<<32 {
			t.Fatalf("image past 4 GiB")
		}
		if hasSection(t, stripped, secData) {
			t.Fatal("stripped module has a data section")
		}
	})
}
