package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/internal/filelimit"
	"github.com/assaynet/assay/internal/submit"
	"github.com/assaynet/assay/plugins/sourcefile"
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
	if cliflag.Parse(fs, args) != nil || fs.NArg() != nargs {
		fmt.Fprintf(stderr, "usage: %s %s --key KEY [--node ADDR]\n", name, usage)
		return nil, "", nil, nil, false
	}
	key, err := loadKey(*cf.keyring, *cf.key, func(w string) { fmt.Fprintf(stderr, "%s: %s\n", name, w) })
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return nil, "", nil, nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	c, addr, err := dial(ctx, *cf.node)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return nil, "", nil, nil, false
	}
	return c, addr, key, fs.Args(), true
}

func runCodeStore(args []string, stdout, stderr io.Writer) int {
	c, node, key, pos, ok := txCommand("assay code store", args, stderr, 1, "FILE.wasm")
	if !ok {
		return 2
	}
	wasm, err := filelimit.Read(pos[0], filelimit.Code)
	if err != nil {
		fmt.Fprintf(stderr, "assay code store: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	id, stored, err := submit.StoreCode(ctx, c, key, wasm)
	if err != nil {
		fmt.Fprintf(stderr, "assay code store: %v\n", chain.RPCError(node, err))
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
	return runQuery(queryCmd{name: "assay code show", nargs: 1, usage: "CID", filter: dropWasm}, args, stdout, stderr,
		func(a []string, _ state.ListOptions) (string, error) { return state.PathCode(a[0]), nil })
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
	codeCID, err := submit.RegisterSource(ctx, c, key, sf)
	if err != nil {
		fmt.Fprintf(stderr, "assay source register: %v\n", chain.RPCError(node, err))
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
	h, _, err := submit.One(ctx, c, key, tx.UnjailBody())
	if err != nil {
		var rej *chain.TxError
		if errors.As(err, &rej) {
			fmt.Fprintf(stderr, "assay unjail: %v\n", rej)
			return 1
		}
		fmt.Fprintf(stderr, "assay unjail: %v\n", chain.RPCError(node, err))
		return 1
	}
	fmt.Fprintf(stdout, "unjailed %s at height %d\n", hexAddr(key), h)
	return 0
}
