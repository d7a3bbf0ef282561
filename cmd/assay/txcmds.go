package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"time"

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

// txFunc sends a tx command's txs with the client and key; it returns
// the line to print.
type txFunc func(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error)

// runTx runs a tx command: the common flags (nargs positional args named
// by usage), the key, the node, then send within timeout. Usage errors
// exit 2; a failure prints send's error (as chain.RPCError) and exits 1.
func runTx(name string, nargs int, usage string, timeout time.Duration, args []string, stdout, stderr io.Writer, send txFunc) int {
	fs := newFlags(name, stderr)
	cf := addClientFlags(fs, true)
	if cliflag.Parse(fs, args) != nil || fs.NArg() != nargs {
		fmt.Fprintf(stderr, "usage: %s %s --key KEY [--node ADDR]\n", name, usage)
		return 2
	}
	key, err := loadKey(*cf.keyring, *cf.key, func(w string) { fmt.Fprintf(stderr, "%s: %s\n", name, w) })
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	dctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	c, addr, err := dial(dctx, *cf.node)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	line, err := send(ctx, c, key, fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, chain.RPCError(addr, err))
		return 1
	}
	fmt.Fprintln(stdout, line)
	return 0
}

func runCodeStore(args []string, stdout, stderr io.Writer) int {
	return runTx("assay code store", 1, "FILE.wasm", clientTimeout, args, stdout, stderr,
		func(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error) {
			wasm, err := filelimit.Read(pos[0], filelimit.Code)
			if err != nil {
				return "", err
			}
			id, stored, err := submit.StoreCode(ctx, c, key, wasm)
			if err == nil && !stored {
				id += " (already stored)"
			}
			return id, err
		})
}

func runCodeShow(args []string, stdout, stderr io.Writer) int {
	return runQuery(queryCmd{name: "assay code show", nargs: 1, usage: "CID", filter: dropWasm}, args, stdout, stderr,
		func(a []string, _ state.ListOptions) (string, error) { return state.PathCode(a[0]), nil })
}

func runSourceRegister(args []string, stdout, stderr io.Writer) int {
	return runTx("assay source register", 1, "FILE.toml|FILE.json", 2*clientTimeout, args, stdout, stderr,
		func(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error) {
			sf, err := sourcefile.Load(pos[0])
			if err != nil {
				return "", err
			}
			codeCID, err := submit.RegisterSource(ctx, c, key, sf)
			return fmt.Sprintf("registered %s (code %s, every %d blocks, k=%d)", sf.ID, codeCID, sf.Every, sf.Replicas), err
		})
}

func runSourceUpdate(args []string, stdout, stderr io.Writer) int {
	return runTx("assay source update", 1, "FILE.toml|FILE.json", 2*clientTimeout, args, stdout, stderr,
		func(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error) {
			sf, err := sourcefile.Load(pos[0])
			if err != nil {
				return "", err
			}
			codeCID, h, err := submit.UpdateSource(ctx, c, key, sf)
			return fmt.Sprintf("updated %s at height %d (code %s): rounds from height %d use the new spec", sf.ID, h, codeCID, h+1), err
		})
}

func runSourceRetire(args []string, stdout, stderr io.Writer) int {
	return runTx("assay source retire", 1, "ID", clientTimeout, args, stdout, stderr,
		func(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error) {
			h, err := submit.RetireSource(ctx, c, key, pos[0])
			return fmt.Sprintf("retired %s at height %d: no rounds after it", pos[0], h), err
		})
}

func runUnjail(args []string, stdout, stderr io.Writer) int {
	return runTx("assay unjail", 0, "", clientTimeout, args, stdout, stderr,
		func(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, _ []string) (string, error) {
			h, _, err := submit.One(ctx, c, key, tx.UnjailBody())
			if rej := (*chain.TxError)(nil); errors.As(err, &rej) {
				return "", rej // the chain's refusal, without the wrapping
			}
			return fmt.Sprintf("unjailed %s at height %d", hexAddr(key), h), err
		})
}
