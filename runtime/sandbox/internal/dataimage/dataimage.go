// Package dataimage moves a module's active data segments out of the
// binary into one memory image, so that instantiating a fresh instance per
// job does not evaluate and copy thousands of segments (a Go wasip1 module
// has ~40,000): the sandbox compiles the stripped module and writes the
// image into each new instance's memory before calling it.
//
// Split only accepts the simple, common shape and otherwise declines, and
// the caller keeps the module as it was: active segments for memory 0 with
// an i32.const offset, all inside the declared minimum memory, and no data
// count section (so no memory.init or data.drop refers to a segment).
package dataimage

import (
	"encoding/binary"
	"errors"
)

// Section ids used here.
const (
	secMemory    = 5
	secData      = 11
	secDataCount = 12
)

const pageSize = 65536

// Image is the initial content data segments give a memory.
type Image struct {
	Offset uint32 // where Bytes start in memory
	Bytes  []byte
}

var errDecline = errors.New("dataimage: module shape not handled")

// Split returns the module without its data section and the memory image
// the section would have produced, or ok = false to keep the module as is.
func Split(wasm []byte) (stripped []byte, img Image, ok bool) {
	secs, err := sections(wasm)
	if err != nil {
		return nil, Image{}, false
	}
	var data, mem []byte
	for _, s := range secs {
		switch s.id {
		case secDataCount:
			return nil, Image{}, false
		case secData:
			data = s.body
		case secMemory:
			mem = s.body
		}
	}
	if data == nil || mem == nil {
		return nil, Image{}, false
	}
	minPages, err := memoryMin(mem)
	if err != nil {
		return nil, Image{}, false
	}
	img, err = build(data, uint64(minPages)*pageSize)
	if err != nil {
		return nil, Image{}, false
	}
	out := make([]byte, 0, len(wasm)-len(data))
	out = append(out, wasm[:8]...)
	for _, s := range secs {
		if s.id != secData {
			out = append(out, s.raw...)
		}
	}
	return out, img, true
}

// section is one section: its id, payload and full encoding.
type section struct {
	id   byte
	body []byte
	raw  []byte
}

func sections(wasm []byte) ([]section, error) {
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" || binary.LittleEndian.Uint32(wasm[4:8]) != 1 {
		return nil, errDecline
	}
	var out []section
	r := reader{b: wasm, pos: 8}
	for r.pos < len(r.b) {
		start := r.pos
		id := r.byte()
		n := r.u32()
		body := r.bytes(n)
		if r.err != nil {
			return nil, r.err
		}
		out = append(out, section{id: id, body: body, raw: wasm[start:r.pos]})
	}
	return out, nil
}

// memoryMin reads the minimum of the only memory.
func memoryMin(body []byte) (uint32, error) {
	r := reader{b: body}
	if r.u32() != 1 {
		return 0, errDecline
	}
	flags := r.byte()
	if flags > 1 { // shared or 64-bit memories are not ours
		return 0, errDecline
	}
	min := r.u32()
	return min, r.err
}

// build applies the segments in order to an image.
func build(body []byte, memSize uint64) (Image, error) {
	r := reader{b: body}
	n := r.u32()
	type seg struct {
		off  uint32
		data []byte
	}
	segs := make([]seg, 0, min(n, 1<<16))
	lo, hi := uint64(memSize), uint64(0)
	for i := uint32(0); i < n && r.err == nil; i++ {
		flags := r.u32()
		if flags == 2 && r.u32() != 0 { // explicit memory index 0
			return Image{}, errDecline
		} else if flags != 0 && flags != 2 {
			return Image{}, errDecline
		}
		if r.byte() != 0x41 { // i32.const
			return Image{}, errDecline
		}
		off := uint32(r.s32())
		if r.byte() != 0x0b { // end
			return Image{}, errDecline
		}
		data := r.bytes(r.u32())
		end := uint64(off) + uint64(len(data))
		if end > memSize {
			return Image{}, errDecline // instantiation fails: keep that behaviour
		}
		if len(data) > 0 { // an empty segment changes nothing
			lo, hi = min(lo, uint64(off)), max(hi, end)
			segs = append(segs, seg{off, data})
		}
	}
	if r.err != nil || r.pos != len(r.b) {
		return Image{}, errDecline
	}
	if hi <= lo {
		return Image{Offset: 0}, nil
	}
	img := Image{Offset: uint32(lo), Bytes: make([]byte, hi-lo)}
	for _, s := range segs {
		copy(img.Bytes[uint64(s.off)-lo:], s.data)
	}
	return img, nil
}
