// Package dataset fetches a dataset by CID from a node's IPFS gateway and
// verifies it (plain bytes re-imported to the CID, or a CAR whose every
// block is hash-checked and whose DAG is complete). `assay dataset get`
// is its flags and output; reading a node home's pin store is package
// pinned's, so that importing this package does not import the node.
//
// # Example
//
//	b, err := dataset.FromGateway(ctx, "http://127.0.0.1:26659", id, false)
//	// errors.Is(err, dataset.ErrUnverified) when the gateway lied
package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/runtime/pin"
)

// MaxBytes caps what a get returns.
const MaxBytes = 1 << 30

// FromGateway downloads id from gateway gw and verifies what it got: plain
// bytes must re-import to id (VerifyBytes), a CAR must hold id's whole DAG
// with every block hashing to its CID (VerifyCAR).
func FromGateway(ctx context.Context, gw string, id cid.Cid, car bool) ([]byte, error) {
	u := strings.TrimRight(gw, "/") + "/ipfs/" + id.String()
	if car {
		u += "?format=car"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("gateway unreachable: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d: %s", u, resp.StatusCode, bytes.TrimSpace(b[:min(len(b), 200)]))
	}
	if len(b) > MaxBytes {
		return nil, fmt.Errorf("%s: more than %d bytes", u, MaxBytes)
	}
	if car {
		err = VerifyCAR(ctx, id, b)
	} else {
		err = VerifyBytes(id, b)
	}
	if err != nil {
		return nil, fmt.Errorf("gateway %s: %w", gw, err)
	}
	return b, nil
}

// ErrUnverified means downloaded content does not match its CID.
var ErrUnverified = errors.New("content does not match the CID")

// VerifyBytes checks that b is the content of id: a raw-codec CID is the
// hash of b; any other is re-imported as `ipfs add` does (CIDv0: dag-pb
// leaves; CIDv1: raw leaves; 256 KiB chunks, 174 links), the layout a node
// pins datasets with.
func VerifyBytes(id cid.Cid, b []byte) error {
	var got cid.Cid
	var err error
	switch {
	case id.Prefix().Codec == cid.Raw:
		got, err = id.Prefix().Sum(b)
	case id.Version() == 0:
		got, err = pin.SumBytesV0(b)
	default:
		got, err = pin.SumBytes(b)
	}
	if err != nil {
		return fmt.Errorf("hash %d bytes: %w", len(b), err)
	}
	if !got.Equals(id) {
		return fmt.Errorf("%w: %d bytes re-import to %s, not %s (content added with other settings: use --car)",
			ErrUnverified, len(b), got, id)
	}
	return nil
}

// VerifyCAR checks that car is a CAR (v1 or v2) whose roots include id,
// whose every block hashes to its CID and which holds every block of id's
// DAG: it is imported into a memory store (pin.Store.ImportCAR checks each
// block) and exported again from id (ExportCAR walks the whole DAG).
func VerifyCAR(ctx context.Context, id cid.Cid, car []byte) error {
	s, err := pin.OpenMemory()
	if err != nil {
		return err
	}
	defer s.Close()
	roots, err := s.ImportCAR(ctx, bytes.NewReader(car))
	if err != nil {
		return fmt.Errorf("%w: bad CAR: %w", ErrUnverified, err)
	}
	if !slices.ContainsFunc(roots, id.Equals) {
		return fmt.Errorf("%w: CAR roots %v do not include %s", ErrUnverified, roots, id)
	}
	if err := s.ExportCAR(ctx, id, io.Discard); err != nil {
		return fmt.Errorf("%w: incomplete CAR: %w", ErrUnverified, err)
	}
	return nil
}

// WriteFile writes b to path through a temporary file in the same
// directory renamed over path once complete, so a failure leaves no
// partial file.
func WriteFile(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
