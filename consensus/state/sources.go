package state

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"io"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
)

func (m *Machine) allowed(signer []byte) error {
	if !m.meta.Restricted {
		return nil
	}
	v, err := m.st.get(keyAllow(signer))
	if err != nil {
		return fail(CodeInternal, "read allow list: %v", err)
	}
	if v == nil {
		return fail(CodeUnauthorized, "account %x is not on the allow list", signer)
	}
	return nil
}

func (m *Machine) codeExists(c string) error {
	v, err := m.st.get(keyCode(c))
	if err != nil {
		return fail(CodeInternal, "read code: %v", err)
	}
	if v == nil {
		return fail(CodeNotFound, "code %s not found", c)
	}
	return nil
}

func (m *Machine) storeCode(signer []byte, msg *pb.StoreCode) error {
	if err := m.allowed(signer); err != nil {
		return err
	}
	wasm, c, err := m.checkModule(msg)
	if err != nil {
		return err
	}
	if m.codeExists(c) == nil {
		return fail(CodeExists, "code %s already stored", c)
	}
	m.put(keyCode(c), &pb.Code{Cid: c, Creator: signer, Height: m.height, Wasm: wasm})
	m.emit(EventStoreCode, AttrCodeCID, c, AttrSize, strconv.Itoa(len(wasm)))
	return nil
}

// checkModule runs the stateless checks of a StoreCode module (size,
// gzip, the store-time module check) and returns the module and its CID.
// CheckTx runs it too, so junk never enters the mempool or a block.
func (m *Machine) checkModule(msg *pb.StoreCode) (wasm []byte, cid string, err error) {
	if wasm, err = inflate(msg.GetWasm(), m.params.MaxCodeBytes); err != nil {
		return nil, "", err
	}
	if cid, err = m.cfg.Code.Check(wasm); err != nil {
		return nil, "", fail(CodeWasm, "store_code: %v", err)
	}
	return wasm, cid, nil
}

// inflate returns wasm, gunzipped if it starts with the gzip magic, and
// fails past max bytes.
func inflate(b []byte, max uint64) ([]byte, error) {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		if uint64(len(b)) > max {
			return nil, fail(CodeInvalid, "store_code: wasm exceeds %d bytes", max)
		}
		return b, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fail(CodeInvalid, "store_code: gzip: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(max)+1))
	if err != nil {
		return nil, fail(CodeInvalid, "store_code: gzip: %v", err)
	}
	if uint64(len(out)) > max {
		return nil, fail(CodeInvalid, "store_code: uncompressed wasm exceeds %d bytes", max)
	}
	return out, nil
}

func (m *Machine) registerSource(signer []byte, msg *pb.RegisterSource) error {
	if err := m.allowed(signer); err != nil {
		return err
	}
	if m.source(msg.Id) != nil {
		return fail(CodeExists, "source %q already exists", msg.Id)
	}
	if err := m.codeExists(msg.Spec.CodeCid); err != nil {
		return err
	}
	s := &pb.Source{Id: msg.Id, Owner: signer, Spec: msg.Spec, Start: m.height + 1, Updated: m.height}
	m.addSource(s)
	m.saveSource(s)
	m.emit(EventRegisterSource, AttrSource, s.Id, AttrOwner, hex.EncodeToString(signer), AttrStart, strconv.FormatUint(s.Start, 10))
	return nil
}

// owned returns the active source id owned by signer.
func (m *Machine) owned(signer []byte, id string) (*pb.Source, error) {
	s := m.source(id)
	switch {
	case s == nil:
		return nil, fail(CodeNotFound, "source %q not found", id)
	case !bytes.Equal(s.Owner, signer):
		return nil, fail(CodeUnauthorized, "source %q is owned by %x", id, s.Owner)
	case s.Retired:
		return nil, fail(CodeInvalid, "source %q is retired", id)
	}
	return s, nil
}

func (m *Machine) updateSource(signer []byte, msg *pb.UpdateSource) error {
	s, err := m.owned(signer, msg.Id)
	if err != nil {
		return err
	}
	if err := m.codeExists(msg.Spec.CodeCid); err != nil {
		return err
	}
	s.Spec = proto.Clone(msg.Spec).(*pb.SourceSpec)
	s.Updated = m.height
	m.saveSource(s)
	m.emit(EventUpdateSource, AttrSource, s.Id)
	return nil
}

func (m *Machine) retireSource(signer []byte, msg *pb.RetireSource) error {
	s, err := m.owned(signer, msg.Id)
	if err != nil {
		return err
	}
	s.Retired = true
	s.Updated = m.height
	m.saveSource(s)
	m.emit(EventRetireSource, AttrSource, s.Id)
	return nil
}
