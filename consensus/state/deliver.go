package state

import (
	"encoding/hex"
	"errors"
	"strconv"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/seed"
	"github.com/assaynet/assay/consensus/tx"
)

// CheckTx runs the mempool checks: decoding and size, stateless field
// checks, the signature, and the sequence, counting txs from the same
// sender already accepted since the last Commit. It changes no state
// except the pending sequences. For StoreCode it also runs the module
// check (size, gzip and the store-time check, code 9).
func (m *Machine) CheckTx(raw []byte) TxResult { return m.checkTx(raw, false) }

// RecheckTx is CheckTx for a tx already in the mempool, rechecked after a
// block: the same checks, except that a StoreCode module is not checked
// again beyond its size and gzip (the store-time check depends on the
// module bytes and the protocol version alone, so its answer cannot have
// changed, and it may cost a good part of a second).
func (m *Machine) RecheckTx(raw []byte) TxResult { return m.checkTx(raw, true) }

func (m *Machine) checkTx(raw []byte, recheck bool) TxResult {
	if seed.IsTx(raw) {
		return errResult(fail(CodeDecode, "a VRF tx is only valid as a block's first tx, put there by its proposer"))
	}
	d, err := m.decodeVerify(raw)
	if err != nil {
		return errResult(err)
	}
	key := string(d.Address)
	next, ok := m.pending[key]
	if !ok {
		if next, err = m.sequence(d.Address); err != nil {
			return errResult(err)
		}
	}
	if d.Tx.Sequence != next {
		return errResult(fail(CodeSequence, "sequence %d, expected %d", d.Tx.Sequence, next))
	}
	if sc := d.Body.GetStoreCode(); sc != nil {
		if recheck {
			if _, err := inflate(sc.GetWasm(), m.params.MaxCodeBytes); err != nil {
				return errResult(err)
			}
		} else if _, _, err := m.checkModule(sc); err != nil {
			return errResult(err)
		}
	}
	m.pending[key] = next + 1
	return TxResult{}
}

// decodeVerify decodes raw and runs every stateless check.
func (m *Machine) decodeVerify(raw []byte) (*tx.Decoded, error) {
	d, err := tx.Decode(raw, int(min(m.params.MaxTxBytes, 1<<30)))
	switch {
	case errors.Is(err, tx.ErrTooLarge):
		return nil, fail(CodeTooLarge, "%v", err)
	case err != nil:
		return nil, fail(CodeDecode, "%v", err)
	}
	if err := m.validateBasic(d.Body); err != nil {
		return nil, err
	}
	if err := d.Verify(m.meta.ChainId); err != nil {
		return nil, fail(CodeSignature, "signature does not verify for chain %q", m.meta.ChainId)
	}
	return d, nil
}

func errResult(err error) TxResult {
	return TxResult{Code: CodeOf(err), Log: err.Error()}
}

func (m *Machine) sequence(addr []byte) (uint64, error) {
	var a pb.Account
	if err := m.getMsg(keyAccount(addr), &a); err != nil {
		return 0, fail(CodeInternal, "read account: %v", err)
	}
	return a.Sequence, nil
}

// deliverTx executes one tx of a block. A tx whose envelope, signature or
// sequence fails changes nothing; otherwise the sequence advances and the
// message applies entirely or not at all.
func (m *Machine) deliverTx(raw []byte) TxResult {
	d, err := m.decodeVerify(raw)
	if err != nil {
		return errResult(err)
	}
	seq, err := m.sequence(d.Address)
	if err != nil {
		return errResult(err)
	}
	if d.Tx.Sequence != seq {
		return errResult(fail(CodeSequence, "sequence %d, expected %d", d.Tx.Sequence, seq))
	}
	m.put(keyAccount(d.Address), &pb.Account{Address: d.Address, Sequence: seq + 1})
	m.emit(EventTx, AttrKind, tx.Kind(d.Body), AttrSigner, hex.EncodeToString(d.Address), AttrSequence, strconv.FormatUint(seq, 10))
	if err := m.apply(d.Address, d.Body); err != nil {
		return TxResult{Code: CodeOf(err), Log: err.Error(), Events: m.events[:1]}
	}
	return TxResult{Events: m.events}
}

func (m *Machine) apply(signer []byte, b *pb.TxBody) error {
	switch k := b.Kind.(type) {
	case *pb.TxBody_StoreCode:
		return m.storeCode(signer, k.StoreCode)
	case *pb.TxBody_RegisterSource:
		return m.registerSource(signer, k.RegisterSource)
	case *pb.TxBody_UpdateSource:
		return m.updateSource(signer, k.UpdateSource)
	case *pb.TxBody_RetireSource:
		return m.retireSource(signer, k.RetireSource)
	case *pb.TxBody_Commit:
		return m.commitBatch(signer, k.Commit)
	case *pb.TxBody_Reveal:
		return m.revealBatch(signer, k.Reveal)
	case *pb.TxBody_Unjail:
		return m.unjail(signer)
	case *pb.TxBody_AnnounceRetrieval:
		return m.announceRetrieval(signer, k.AnnounceRetrieval)
	}
	return fail(CodeDecode, "unknown tx kind")
}
