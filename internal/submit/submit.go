// Package submit sends the txs a client sends — `assay code store`,
// `assay source register|update|retire`, `assay unjail` and the devnet's
// registrations —
// through a consensus/chain client: sign at the account's next sequence,
// broadcast, wait until in a block.
//
// # Example
//
//	codeCID, stored, err := submit.StoreCode(ctx, c, key, wasm) // no tx when the chain has it
//	err = submit.Many(ctx, c, key, bodies)                      // pipelined, then waits for all
package submit

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/internal/filelimit"
	"github.com/assaynet/assay/plugins/sourcefile"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// One signs body with key at the account's next sequence, broadcasts it
// and waits until it is in a block; it returns the block height and the
// tx hash. A refused tx is a *chain.TxError.
func One(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, body *pb.TxBody) (uint64, []byte, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return 0, nil, err
	}
	return chain.NewSender(c, st.ChainID, key).SendAndWait(ctx, c, body)
}

// Many broadcasts bodies signed with consecutive sequences without
// waiting between them, then waits until every one is in a block.
func Many(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, bodies []*pb.TxBody) error {
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	s := chain.NewSender(c, st.ChainID, key)
	hashes := make([][]byte, 0, len(bodies))
	for i, body := range bodies {
		h, err := s.Send(ctx, body)
		if err != nil {
			return fmt.Errorf("tx %d: %w", i, err)
		}
		hashes = append(hashes, h)
	}
	for i, h := range hashes {
		if _, err := c.Wait(ctx, h); err != nil {
			return fmt.Errorf("tx %d: %w", i, err)
		}
	}
	return nil
}

// StoreCode stores wasm (plain or gzipped) unless the chain has it and
// returns its CID and whether a StoreCode tx was sent.
func StoreCode(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, wasm []byte) (string, bool, error) {
	raw, err := sandbox.Decompress(wasm, 64<<20)
	if err != nil {
		return "", false, err
	}
	id, err := pin.SumBytes(raw)
	if err != nil {
		return "", false, err
	}
	switch _, err := c.Code(ctx, id.String()); {
	case err == nil:
		return id.String(), false, nil
	case !errors.Is(err, state.ErrNotFound):
		return "", false, err
	}
	if _, _, err := One(ctx, c, key, tx.StoreCodeBody(gzipped(wasm))); err != nil {
		return "", false, err
	}
	return id.String(), true, nil
}

// RegisterSource stores the source file's code if needed and registers
// the source; it returns the code's CID.
func RegisterSource(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, sf *sourcefile.SourceFile) (string, error) {
	spec, err := storeSpec(ctx, c, key, sf)
	if err != nil {
		return "", err
	}
	_, _, err = One(ctx, c, key, tx.RegisterSourceBody(sf.ID, spec))
	return spec.CodeCid, err
}

// UpdateSource stores the source file's code if needed and replaces the
// spec of the source sf.ID (an UpdateSource tx, signed by its owner); it
// returns the code's CID and the height of the block that holds the tx.
// Rounds opened up to that height keep the spec they were opened with;
// rounds from the next block on use the new one (docs/protocol.md).
func UpdateSource(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, sf *sourcefile.SourceFile) (string, uint64, error) {
	spec, err := storeSpec(ctx, c, key, sf)
	if err != nil {
		return "", 0, err
	}
	h, _, err := One(ctx, c, key, tx.UpdateSourceBody(sf.ID, spec))
	return spec.CodeCid, h, err
}

// RetireSource retires source id (a RetireSource tx, signed by its
// owner) and returns the height of the block that holds the tx: no round
// opens after it; rounds already open finish.
func RetireSource(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, id string) (uint64, error) {
	h, _, err := One(ctx, c, key, tx.RetireSourceBody(id))
	return h, err
}

// storeSpec stores sf's code file unless the chain has it and returns
// sf's spec.
func storeSpec(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, sf *sourcefile.SourceFile) (*pb.SourceSpec, error) {
	codeCID := sf.Code
	if sf.CodeFile != "" {
		wasm, err := filelimit.Read(sf.CodeFile, filelimit.Code)
		if err != nil {
			return nil, err
		}
		if codeCID, _, err = StoreCode(ctx, c, key, wasm); err != nil {
			return nil, fmt.Errorf("store code: %w", err)
		}
	}
	return Spec(sf, codeCID)
}

// Spec converts a source file to the chain's spec, naming code codeCID
// (the CID of sf.Code or of sf.CodeFile's module). memory_pages 0
// becomes the node default, as the chain stores it.
func Spec(sf *sourcefile.SourceFile, codeCID string) (*pb.SourceSpec, error) {
	params, err := sf.ReadParams()
	if err != nil {
		return nil, err
	}
	fetch, err := sf.Fetch.PB()
	if err != nil {
		return nil, err
	}
	meta, err := sf.Metadata.PB()
	if err != nil {
		return nil, err
	}
	pages := sf.MemoryPages
	if pages == 0 {
		pages = sandbox.DefaultMaxMemoryPages
	}
	return &pb.SourceSpec{
		Fetch: fetch, CodeCid: codeCID, Params: params,
		Every: uint64(sf.Every), WindowSeconds: uint64(sf.Window), Replicas: uint32(sf.Replicas),
		GasLimit: sf.GasLimit, MaxOutputBytes: uint64(sf.MaxOutput), MemoryPages: pages,
		Metadata: meta,
	}, nil
}

// gzipped compresses wasm for a smaller StoreCode tx (the chain accepts
// gzip and names the code by the uncompressed bytes).
func gzipped(wasm []byte) []byte {
	if bytes.HasPrefix(wasm, []byte{0x1f, 0x8b}) {
		return wasm
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(wasm)
	if zw.Close() != nil || buf.Len() >= len(wasm) {
		return wasm
	}
	return buf.Bytes()
}
