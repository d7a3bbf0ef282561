package assay

import (
	"bytes"
	"io"
)

// host is the ABI as the SDK uses it: the wasip1 build calls the "assay"
// imports, other builds an in-process job (see Exec).
type host interface {
	inputLen() int
	inputRead(dst []byte, off int) int
	paramsLen() int
	paramsRead(dst []byte, off int) int
	round() Round
	outputWrite(p []byte)
	reject(reason []byte)
	log(msg []byte)
}

// Handler is a validator program: nil accepts, an error rejects with its text.
type Handler func(in *Input) error

// HandlerFunc is the byte-oriented form of a validator program used by Handle.
type HandlerFunc func(input, params []byte, round Round) ([]byte, error)

var registered Handler

// Validate registers h as the module's validator program. Call it once,
// from init.
func Validate(h Handler) {
	if registered != nil {
		panic("assay: Validate called twice")
	}
	if h == nil {
		panic("assay: Validate(nil)")
	}
	registered = h
}

// Handle registers f as the module's validator program: f gets the whole input,
// the params and the round, and returns the output to accept or an error
// to reject.
func Handle(f HandlerFunc) {
	Validate(func(in *Input) error {
		out, err := f(in.Bytes(), in.Params(), in.Round())
		if err != nil {
			return err
		}
		_, err = in.Write(out)
		return err
	})
}

// outChunk is how much output is buffered before one output_write call.
const outChunk = 32 << 10

// outBuf buffers output and hands it to the host in large writes.
type outBuf struct {
	h   host
	buf []byte
}

func (o *outBuf) Write(p []byte) (int, error) {
	if len(o.buf)+len(p) > outChunk {
		o.flush()
	}
	if len(p) >= outChunk {
		o.h.outputWrite(p)
		return len(p), nil
	}
	o.buf = append(o.buf, p...)
	return len(p), nil
}

func (o *outBuf) flush() {
	if len(o.buf) > 0 {
		o.h.outputWrite(o.buf)
		o.buf = o.buf[:0]
	}
}

// runJob runs the registered handler against h: the body of `validate`.
func runJob(h host) {
	if registered == nil {
		h.reject([]byte("assay: no validator registered (call assay.Validate from init)"))
		return
	}
	in := &Input{h: h, out: outBuf{h: h}}
	if err := registered(in); err != nil {
		h.reject([]byte(err.Error()))
		return
	}
	in.out.flush()
}

// readAll copies n bytes through read in one call per chunk.
func readAll(n int, read func(dst []byte, off int) int) []byte {
	if n <= 0 {
		return nil
	}
	b := make([]byte, n)
	for off := 0; off < n; {
		c := read(b[off:], off)
		if c <= 0 {
			return b[:off]
		}
		off += c
	}
	return b
}

// hostReader streams input from the host.
type hostReader struct {
	n, off int
	read   func(dst []byte, off int) int
}

func (r *hostReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	if len(p) > r.n-r.off {
		p = p[:r.n-r.off]
	}
	c := r.read(p, r.off)
	if c <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	r.off += c
	return c, nil
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
