package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
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

// maxDatasetBytes caps what `dataset get` downloads.
const maxDatasetBytes = 1 << 30

func runDatasetGet(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay dataset get", stderr)
	gw := fs.String("gateway", envOr("ASSAY_GATEWAY", defaultGateway), "a node's gateway URL ($ASSAY_GATEWAY)")
	home := fs.String("home", "", "read from this node home's pin store instead of a gateway")
	out := fs.String("o", "", "write to FILE instead of stdout")
	car := fs.Bool("car", false, "fetch a CAR (trustless) instead of the plain bytes")
	if parseArgs(fs, args) != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: assay dataset get CID [-o FILE] [--car] [--gateway URL | --home DIR]")
		return 2
	}
	if *home != "" && flagSet(fs.Visit, "gateway") {
		fmt.Fprintln(stderr, "assay dataset get: use --home or --gateway, not both")
		return 2
	}
	id, err := cid.Decode(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset get: bad CID %q: %v\n", fs.Arg(0), err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	var b []byte
	if *home != "" {
		b, err = homeGet(ctx, *home, id, *car, stderr)
	} else {
		b, err = gatewayGet(ctx, *gw, id, *car)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset get: %v\n", err)
		return 1
	}
	if *out == "" {
		_, err = stdout.Write(b)
	} else {
		err = writeFileAtomic(*out, b)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset get: %v\n", err)
		return 1
	}
	return 0
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(visit func(func(*flag.Flag)), name string) bool {
	found := false
	visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// gatewayGet downloads id from gateway gw and verifies what it got: plain
// bytes must re-import to id (verifyBytes), a CAR must hold id's whole DAG
// with every block hashing to its CID (verifyCAR).
func gatewayGet(ctx context.Context, gw string, id cid.Cid, car bool) ([]byte, error) {
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
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDatasetBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d: %s", u, resp.StatusCode, bytes.TrimSpace(b[:min(len(b), 200)]))
	}
	if len(b) > maxDatasetBytes {
		return nil, fmt.Errorf("%s: more than %d bytes", u, maxDatasetBytes)
	}
	if car {
		err = verifyCAR(ctx, id, b)
	} else {
		err = verifyBytes(id, b)
	}
	if err != nil {
		return nil, fmt.Errorf("gateway %s: %w", gw, err)
	}
	return b, nil
}

// errUnverified means downloaded content does not match its CID.
var errUnverified = errors.New("content does not match the CID")

// verifyBytes checks that b is the content of id: a raw-codec CID is the
// hash of b; any other is re-imported as `ipfs add` does (CIDv0: dag-pb
// leaves; CIDv1: raw leaves; 256 KiB chunks, 174 links), the layout a node
// pins datasets with.
func verifyBytes(id cid.Cid, b []byte) error {
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
			errUnverified, len(b), got, id)
	}
	return nil
}

// verifyCAR checks that car is a CAR (v1 or v2) whose roots include id,
// whose every block hashes to its CID and which holds every block of id's
// DAG: it is imported into a memory store (pin.Store.ImportCAR checks each
// block) and exported again from id (ExportCAR walks the whole DAG).
func verifyCAR(ctx context.Context, id cid.Cid, car []byte) error {
	s, err := pin.OpenMemory()
	if err != nil {
		return err
	}
	defer s.Close()
	roots, err := s.ImportCAR(ctx, bytes.NewReader(car))
	if err != nil {
		return fmt.Errorf("%w: bad CAR: %w", errUnverified, err)
	}
	if !slices.ContainsFunc(roots, id.Equals) {
		return fmt.Errorf("%w: CAR roots %v do not include %s", errUnverified, roots, id)
	}
	if err := s.ExportCAR(ctx, id, io.Discard); err != nil {
		return fmt.Errorf("%w: incomplete CAR: %w", errUnverified, err)
	}
	return nil
}

// writeFileAtomic writes b to path through a temporary file in the same
// directory renamed over path once complete, so a failure leaves no
// partial file.
func writeFileAtomic(path string, b []byte) (err error) {
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
