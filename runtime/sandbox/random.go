package sandbox

import (
	"crypto/sha256"
	"encoding/binary"
)

// randDomain separates the random stream seed from every other hash.
const randDomain = "assay/random/v1"

// randStream is the deterministic random_get stream of one job:
// seed = SHA-256(randDomain ‖ uint32be(len(source)) ‖ source ‖ uint64be(height)),
// block i = SHA-256(seed ‖ uint64be(i)), the blocks concatenated.
type randStream struct {
	source string
	height int64
	seeded bool // seed is computed on the first read: most jobs never read
	seed   [32]byte
	ctr    uint64
	buf    [32]byte
	avail  int // unread bytes at the end of buf
}

func newRandStream(source string, height int64) randStream {
	return randStream{source: source, height: height}
}

func (r *randStream) init() {
	h := sha256.New()
	h.Write([]byte(randDomain))
	var n [8]byte
	binary.BigEndian.PutUint32(n[:4], uint32(len(r.source)))
	h.Write(n[:4])
	h.Write([]byte(r.source))
	binary.BigEndian.PutUint64(n[:], uint64(r.height))
	h.Write(n[:])
	h.Sum(r.seed[:0])
	r.seeded = true
}

// read fills p with the next bytes of the stream.
func (r *randStream) read(p []byte) {
	if !r.seeded {
		r.init()
	}
	for len(p) > 0 {
		if r.avail == 0 {
			var in [40]byte
			copy(in[:32], r.seed[:])
			binary.BigEndian.PutUint64(in[32:], r.ctr)
			r.ctr++
			r.buf = sha256.Sum256(in[:])
			r.avail = len(r.buf)
		}
		n := copy(p, r.buf[len(r.buf)-r.avail:])
		r.avail -= n
		p = p[n:]
	}
}
