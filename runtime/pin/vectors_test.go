package pin

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	cid "github.com/ipfs/go-cid"
)

// vectorsPath is the table of CIDs printed by real Kubo
// (testdata/README.md says how the files are generated).
const vectorsPath = "testdata/unixfs-vectors.tsv"

// vector is one row of unixfs-vectors.tsv.
type vector struct {
	seed string
	size int64
	v1   string
	v0   string
}

// seedReader yields the concatenation of SHA-256(seed ‖ uint64be(i)) for
// i = 0, 1, 2, …, truncated by the caller.
type seedReader struct {
	seed []byte
	msg  []byte // seed ‖ counter, reused
	i    uint64
	sum  [sha256.Size]byte
	buf  []byte
}

func (s *seedReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(s.buf) == 0 {
			if len(s.msg) == 0 {
				s.msg = append(append([]byte{}, s.seed...), make([]byte, 8)...)
			}
			binary.BigEndian.PutUint64(s.msg[len(s.seed):], s.i)
			s.i++
			s.sum = sha256.Sum256(s.msg)
			s.buf = s.sum[:]
		}
		c := copy(p[n:], s.buf)
		s.buf = s.buf[c:]
		n += c
	}
	return n, nil
}

// generated returns a reader of the vector file for (seed, size).
func generated(seed string, size int64) io.Reader {
	return io.LimitReader(&seedReader{seed: []byte(seed)}, size)
}

// readAllGenerated returns the whole vector file for (seed, size).
func readAllGenerated(seed string, size int) ([]byte, error) {
	return io.ReadAll(generated(seed, int64(size)))
}

// bytesReader is bytes.NewReader, kept short for table tests.
func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func loadVectors(t testing.TB) []vector {
	t.Helper()
	f, err := os.Open(vectorsPath)
	if err != nil {
		t.Fatalf("open vectors: %v", err)
	}
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	for line := 0; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if line == 0 || len(cols) == 0 || cols[0] == "" {
			continue
		}
		if len(cols) != 4 {
			t.Fatalf("%s:%d: want 4 columns, got %d", vectorsPath, line+1, len(cols))
		}
		size, err := strconv.ParseInt(cols[1], 10, 64)
		if err != nil {
			t.Fatalf("%s:%d: size: %v", vectorsPath, line+1, err)
		}
		out = append(out, vector{seed: cols[0], size: size, v1: cols[2], v0: cols[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no vectors", vectorsPath)
	}
	return out
}

func TestSumMatchesKuboVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.seed+"/"+strconv.FormatInt(v.size, 10), func(t *testing.T) {
			b, err := readAllGenerated(v.seed, int(v.size))
			if err != nil {
				t.Fatal(err)
			}
			sums := []struct {
				name string
				sum  func() (cid.Cid, error)
				want string
			}{
				{"Sum", func() (cid.Cid, error) { return Sum(bytes.NewReader(b)) }, v.v1},
				{"SumV0", func() (cid.Cid, error) { return SumV0(bytes.NewReader(b)) }, v.v0},
				{"SumBytes", func() (cid.Cid, error) { return SumBytes(b) }, v.v1},
				{"SumBytesV0", func() (cid.Cid, error) { return SumBytesV0(b) }, v.v0},
			}
			for _, s := range sums {
				got, err := s.sum()
				if err != nil || got.String() != s.want {
					t.Errorf("%s = %s, %v; want %s", s.name, got, err, s.want)
				}
			}
		})
	}
}

func TestSumBytesKnownVectors(t *testing.T) {
	tests := []struct {
		name string
		data string
		v1   string
		v0   string
	}{
		{"hello world", "hello world\n",
			"bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4",
			"QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"},
		{"empty", "",
			"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
			"QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got1, err := SumBytes([]byte(tt.data))
			if err != nil {
				t.Fatalf("SumBytes: %v", err)
			}
			if got1.String() != tt.v1 {
				t.Errorf("CIDv1 = %s, want %s", got1, tt.v1)
			}
			got0, err := SumBytesV0([]byte(tt.data))
			if err != nil {
				t.Fatalf("SumBytesV0: %v", err)
			}
			if got0.String() != tt.v0 {
				t.Errorf("CIDv0 = %s, want %s", got0, tt.v0)
			}
		})
	}
}

// errReader fails after handing out n bytes.
type errReader struct{ n int }

func (e *errReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if len(p) > e.n {
		p = p[:e.n]
	}
	for i := range p {
		p[i] = 'x'
	}
	e.n -= len(p)
	return len(p), nil
}

func TestSumReaderError(t *testing.T) {
	sums := []struct {
		name string
		sum  func(io.Reader) (cid.Cid, error)
	}{{"v1", Sum}, {"v0", SumV0}}
	for _, s := range sums {
		for _, n := range []int{0, 3, ChunkSize, ChunkSize + 10} {
			t.Run(s.name+"/"+strconv.Itoa(n), func(t *testing.T) {
				_, err := s.sum(&errReader{n: n})
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("sum of a reader failing after %d bytes: err = %v, want io.ErrUnexpectedEOF", n, err)
				}
			})
		}
	}
}
