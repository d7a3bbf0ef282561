package chain

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// Mempool is what a Sender needs of a chain. *Client implements it; so
// does any in-process chain that runs CheckTx (the worker's tests).
type Mempool interface {
	// Sequence returns the next sequence of account addr in the committed
	// state (0 for a new account).
	Sequence(ctx context.Context, addr []byte) (uint64, error)
	// Broadcast submits a signed tx and returns its CheckTx outcome.
	Broadcast(ctx context.Context, raw []byte) (TxResult, error)
}

// Sender signs txs for one key with consecutive sequences and submits
// them. It is not safe for concurrent use.
type Sender struct {
	m       Mempool
	chainID string
	key     ed25519.PrivateKey
	addr    []byte
	next    uint64
	synced  bool
	// OnRefused, when set, is called for every refusal by the mempool,
	// including one the Sender recovers from by resyncing.
	OnRefused func(TxResult)
}

// NewSender returns a Sender of txs signed by key for chain chainID.
func NewSender(m Mempool, chainID string, key ed25519.PrivateKey) *Sender {
	return &Sender{m: m, chainID: chainID, key: key, addr: tx.Address(key.Public().(ed25519.PublicKey))}
}

// Address is the signer's account address.
func (s *Sender) Address() []byte { return s.addr }

// Next is the sequence the next tx will be signed with.
func (s *Sender) Next() uint64 { return s.next }

// SetNext sets the sequence of the next tx (a caller that tracks what
// it has in flight, as the worker does).
func (s *Sender) SetNext(n uint64) { s.next, s.synced = n, true }

// Sync sets the next sequence to the account's in the committed state
// and returns it.
func (s *Sender) Sync(ctx context.Context) (uint64, error) {
	n, err := s.m.Sequence(ctx, s.addr)
	if err != nil {
		return 0, fmt.Errorf("chain: sequence of %x: %w", s.addr, err)
	}
	s.SetNext(n)
	return n, nil
}

// Send signs body with the next sequence and broadcasts it, returning
// the tx hash once the mempool has accepted it. On a CodeSequence
// refusal it rereads the account's sequence and signs once more; any
// other refusal (or a second one) is a *TxError at StageCheck.
func (s *Sender) Send(ctx context.Context, body *pb.TxBody) ([]byte, error) {
	if !s.synced {
		if _, err := s.Sync(ctx); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		raw, err := tx.Sign(s.chainID, s.key, s.next, body)
		if err != nil {
			return nil, err
		}
		res, err := s.m.Broadcast(ctx, raw)
		if err != nil {
			return nil, err
		}
		if res.Code == state.CodeOK {
			s.next++
			return res.Hash, nil
		}
		if s.OnRefused != nil {
			s.OnRefused(res)
		}
		if res.Code != state.CodeSequence || attempt > 0 {
			return nil, &TxError{Stage: StageCheck, Code: res.Code, Log: res.Log, Hash: res.Hash}
		}
		if _, err := s.Sync(ctx); err != nil {
			return nil, err
		}
	}
}

// SendAndWait sends body and waits until it is in a block, returning the
// block height and the tx hash.
func (s *Sender) SendAndWait(ctx context.Context, c *Client, body *pb.TxBody) (uint64, []byte, error) {
	hash, err := s.Send(ctx, body)
	if err != nil {
		return 0, nil, err
	}
	h, err := c.Wait(ctx, hash)
	return h, hash, err
}
