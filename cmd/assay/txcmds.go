package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/plugins/sourcefile"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

func init() {
	register(command{name: "code", summary: "validator code on chain: store", run: group("assay code", []command{
		{name: "store", summary: "store a .wasm validator on chain (StoreCode tx)", run: runCodeStore},
		{name: "show", summary: "show a stored code's metadata", run: runCodeShow},
	})})
	register(command{name: "unjail", summary: "return your jailed validator to the set (Unjail tx)", run: runUnjail})
}

// txCommand parses the common flags of a tx command and returns the
// client, the key and the positional args.
func txCommand(name string, args []string, stderr io.Writer, nargs int, usage string) (*chain.Client, string, ed25519.PrivateKey, []string, bool) {
	fs := newFlags(name, stderr)
	cf := addClientFlags(fs, true)
	if parseArgs(fs, args) != nil || fs.NArg() != nargs {
		fmt.Fprintf(stderr, "usage: %s %s --key KEY [--node ADDR]\n", name, usage)
		return nil, "", nil, nil, false
	}
	key, err := loadKey(*cf.keyring, *cf.key, func(w string) { fmt.Fprintf(stderr, "%s: %s\n", name, w) })
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return nil, "", nil, nil, false
	}
	c, err := dial(*cf.node)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return nil, "", nil, nil, false
	}
	return c, *cf.node, key, fs.Args(), true
}

// storeCode stores wasm unless the chain has it and returns its CID.
func storeCode(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, wasm []byte) (string, bool, error) {
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
	if _, _, err := submit(ctx, c, key, tx.StoreCodeBody(gzipped(wasm))); err != nil {
		return "", false, err
	}
	return id.String(), true, nil
}

func runCodeStore(args []string, stdout, stderr io.Writer) int {
	c, node, key, pos, ok := txCommand("assay code store", args, stderr, 1, "FILE.wasm")
	if !ok {
		return 2
	}
	wasm, err := readFileLimit(pos[0], maxCodeFileBytes, limitCode)
	if err != nil {
		fmt.Fprintf(stderr, "assay code store: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	id, stored, err := storeCode(ctx, c, key, wasm)
	if err != nil {
		fmt.Fprintf(stderr, "assay code store: %v\n", rpcErr(node, err))
		return 1
	}
	if !stored {
		fmt.Fprintf(stdout, "%s (already stored)\n", id)
		return 0
	}
	fmt.Fprintln(stdout, id)
	return 0
}

func runCodeShow(args []string, stdout, stderr io.Writer) int {
	return runQuery("assay code show", args, stdout, stderr, 1, "CID", func(a []string) (string, error) { return state.PathCode(a[0]), nil }, dropWasm)
}

// sourceSpec converts a source file to the chain's spec.
func sourceSpec(sf *sourcefile.SourceFile, codeCID string) (*pb.SourceSpec, error) {
	params, err := sf.ReadParams()
	if err != nil {
		return nil, err
	}
	fetch, err := sf.Fetch.PB()
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
	}, nil
}

// registerSource stores the file's code if needed and registers it.
func registerSource(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, sf *sourcefile.SourceFile) (string, error) {
	codeCID := sf.Code
	if sf.CodeFile != "" {
		wasm, err := readFileLimit(sf.CodeFile, maxCodeFileBytes, limitCode)
		if err != nil {
			return "", err
		}
		if codeCID, _, err = storeCode(ctx, c, key, wasm); err != nil {
			return "", fmt.Errorf("store code: %w", err)
		}
	}
	spec, err := sourceSpec(sf, codeCID)
	if err != nil {
		return "", err
	}
	_, _, err = submit(ctx, c, key, tx.RegisterSourceBody(sf.ID, spec))
	return codeCID, err
}

func runSourceRegister(args []string, stdout, stderr io.Writer) int {
	c, node, key, pos, ok := txCommand("assay source register", args, stderr, 1, "FILE.toml|FILE.json")
	if !ok {
		return 2
	}
	sf, err := sourcefile.Load(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "assay source register: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*clientTimeout)
	defer cancel()
	codeCID, err := registerSource(ctx, c, key, sf)
	if err != nil {
		fmt.Fprintf(stderr, "assay source register: %v\n", rpcErr(node, err))
		return 1
	}
	fmt.Fprintf(stdout, "registered %s (code %s, every %d blocks, k=%d)\n", sf.ID, codeCID, sf.Every, sf.Replicas)
	return 0
}

func runUnjail(args []string, stdout, stderr io.Writer) int {
	c, node, key, _, ok := txCommand("assay unjail", args, stderr, 0, "")
	if !ok {
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	h, _, err := submit(ctx, c, key, tx.UnjailBody())
	if err != nil {
		var rej *chain.TxError
		if errors.As(err, &rej) {
			fmt.Fprintf(stderr, "assay unjail: %v\n", rej)
			return 1
		}
		fmt.Fprintf(stderr, "assay unjail: %v\n", rpcErr(node, err))
		return 1
	}
	fmt.Fprintf(stdout, "unjailed %s at height %d\n", hexAddr(key), h)
	return 0
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
