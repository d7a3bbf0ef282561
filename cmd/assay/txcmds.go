package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/internal/filelimit"
	"github.com/assaynet/assay/internal/submit"
	"github.com/assaynet/assay/plugins/sourcefile"
)

func init() {
	register(command{name: "code", summary: "validator code on chain: store", subs: []command{
		{name: "store", summary: "store a .wasm validator on chain (StoreCode tx)", run: txCmd{nargs: 1, usage: "FILE.wasm", send: storeCode}.run},
		{name: "show", summary: "show a stored code's metadata", run: queryCmd{nargs: 1, usage: "CID", filter: dropWasm,
			path: func(a []string, _ state.ListOptions) (string, error) { return state.PathCode(a[0]), nil }}.run},
	}})
	register(command{name: "unjail", summary: "return your jailed validator to the set (Unjail tx)", run: txCmd{send: unjail}.run})
}

// txCmd describes one tx command.
type txCmd struct {
	nargs   int           // positional arguments
	usage   string        // their names
	timeout time.Duration // of send; 0: clientTimeout
	// send sends the txs with the client and key; it returns the line to
	// print.
	send func(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error)
}

// run runs a tx command: the common flags (t.nargs positional args named
// by t.usage), the key, the node, then send within the timeout. Usage
// errors exit 2; a failure prints send's error (as chain.RPCError) and
// exits 1.
func (t txCmd) run(c *cmd, args []string) int {
	cf := addClientFlags(c.fs, true)
	if !c.parse(args, t.nargs, fmt.Sprintf("usage: %s %s --key KEY [--node ADDR]", c.name, t.usage)) {
		return 2
	}
	key, err := loadKey(*cf.keyring, *cf.key, c.warn)
	if err != nil {
		return c.fail(2, err)
	}
	dctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	client, addr, err := dial(dctx, *cf.node)
	if err != nil {
		return c.fail(2, err)
	}
	if t.timeout == 0 {
		t.timeout = clientTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), t.timeout)
	defer cancel()
	line, err := t.send(ctx, client, key, c.fs.Args())
	if err != nil {
		return c.fail(1, chain.RPCError(addr, err))
	}
	fmt.Fprintln(c.stdout, line)
	return 0
}

// storeCode stores the module file pos[0].
func storeCode(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error) {
	wasm, err := filelimit.Read(pos[0], filelimit.Code)
	if err != nil {
		return "", err
	}
	id, stored, err := submit.StoreCode(ctx, c, key, wasm)
	if err == nil && !stored {
		id += " (already stored)"
	}
	return id, err
}

// registerSource registers the source file pos[0].
func registerSource(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error) {
	sf, err := sourcefile.Load(pos[0])
	if err != nil {
		return "", err
	}
	codeCID, err := submit.RegisterSource(ctx, c, key, sf)
	return fmt.Sprintf("registered %s (code %s, every %d blocks, k=%d)", sf.ID, codeCID, sf.Every, sf.Replicas), err
}

// updateSource replaces a source's spec with the source file pos[0]'s.
func updateSource(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error) {
	sf, err := sourcefile.Load(pos[0])
	if err != nil {
		return "", err
	}
	codeCID, h, err := submit.UpdateSource(ctx, c, key, sf)
	return fmt.Sprintf("updated %s at height %d (code %s): rounds from height %d use the new spec", sf.ID, h, codeCID, h+1), err
}

// retireSource retires the source pos[0].
func retireSource(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, pos []string) (string, error) {
	h, err := submit.RetireSource(ctx, c, key, pos[0])
	return fmt.Sprintf("retired %s at height %d: no rounds after it", pos[0], h), err
}

// unjail returns the key's validator to the set.
func unjail(ctx context.Context, c *chain.Client, key ed25519.PrivateKey, _ []string) (string, error) {
	h, _, err := submit.One(ctx, c, key, tx.UnjailBody())
	if rej := (*chain.TxError)(nil); errors.As(err, &rej) {
		return "", rej // the chain's refusal, without the wrapping
	}
	return fmt.Sprintf("unjailed %s at height %d", hexAddr(key), h), err
}
