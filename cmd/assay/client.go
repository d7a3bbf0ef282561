package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/consensus/worker"
)

// Defaults match the ports `assay init` writes.
const (
	defaultNode    = "tcp://127.0.0.1:26657"
	defaultGateway = "http://127.0.0.1:26659"
	clientTimeout  = 30 * time.Second
)

// errNodeDown is returned when the node's RPC cannot be reached.
var errNodeDown = errors.New("node unreachable")

// txRejectedError is a tx the node refused or failed, with its code.
type txRejectedError struct {
	Stage string // "check" (mempool) or "deliver" (block)
	Code  uint32
	Log   string
}

func (e *txRejectedError) Error() string {
	return fmt.Sprintf("tx rejected at %s: code %d: %s", e.Stage, e.Code, e.Log)
}

// clientFlags are the flags of every command that talks to a node.
type clientFlags struct {
	node, keyring, key *string
}

func addClientFlags(fs *flag.FlagSet, withKey bool) clientFlags {
	node := envOr("ASSAY_NODE", defaultNode)
	c := clientFlags{node: fs.String("node", node, "CometBFT RPC address of a node ($ASSAY_NODE)")}
	if withKey {
		c.keyring = fs.String("keyring", defaultKeyring(), "directory of named keys ($ASSAY_KEYRING)")
		c.key = fs.String("key", "", "signing key: a name in the keyring or a key file path (required)")
	}
	return c
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func defaultKeyring() string {
	if v := os.Getenv("ASSAY_KEYRING"); v != "" {
		return v
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".assay/keys"
	}
	return filepath.Join(home, ".assay", "keys")
}

// loadKey finds a key by file path or keyring name; warn gets
// loadKeyFile's warnings.
func loadKey(keyring, name string, warn func(string)) (ed25519.PrivateKey, error) {
	if name == "" {
		return nil, errors.New("--key is required")
	}
	path := name
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join(keyring, name+".json")
	}
	_, k, err := loadKeyFile(path, warn)
	return k, err
}

// dial returns an RPC client for addr.
func dial(addr string) (rpcclient.Client, error) {
	c, err := rpchttp.New(addr, "/websocket")
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", errNodeDown, addr, err)
	}
	return c, nil
}

// rpcErr turns a connection failure into errNodeDown.
func rpcErr(addr string, err error) error {
	if errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(err.Error(), "connection refused") {
		return fmt.Errorf("%w at %s (is `assay start` running?): %w", errNodeDown, addr, err)
	}
	return err
}

// queryJSON runs an ABCI query and returns its JSON value.
func queryJSON(ctx context.Context, c rpcclient.Client, addr, path string) ([]byte, error) {
	b, _, err := worker.NewRPC(c).Query(ctx, path)
	if err != nil {
		return nil, rpcErr(addr, err)
	}
	return b, nil
}

// submit signs body with key at the account's next sequence, broadcasts
// it and waits until it is in a block.
func submit(ctx context.Context, c rpcclient.Client, key ed25519.PrivateKey, body *pb.TxBody) (int64, []byte, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return 0, nil, err
	}
	chain := worker.NewRPC(c)
	seq, err := chain.Sequence(ctx, tx.Address(key.Public().(ed25519.PublicKey)))
	if err != nil {
		return 0, nil, err
	}
	raw, err := tx.Sign(st.NodeInfo.Network, key, seq, body)
	if err != nil {
		return 0, nil, err
	}
	res, err := c.BroadcastTxSync(ctx, raw)
	if err != nil {
		return 0, nil, fmt.Errorf("broadcast: %w", err)
	}
	if res.Code != 0 {
		return 0, nil, &txRejectedError{"check", res.Code, res.Log}
	}
	return waitTx(ctx, c, res.Hash)
}

// submitMany broadcasts bodies signed with consecutive sequences without
// waiting between them, then waits until every one is in a block.
func submitMany(ctx context.Context, c rpcclient.Client, key ed25519.PrivateKey, bodies []*pb.TxBody) error {
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	seq, err := worker.NewRPC(c).Sequence(ctx, tx.Address(key.Public().(ed25519.PublicKey)))
	if err != nil {
		return err
	}
	hashes := make([][]byte, 0, len(bodies))
	for i, body := range bodies {
		raw, err := tx.Sign(st.NodeInfo.Network, key, seq+uint64(i), body)
		if err != nil {
			return err
		}
		res, err := c.BroadcastTxSync(ctx, raw)
		if err != nil {
			return fmt.Errorf("broadcast %d: %w", i, err)
		}
		if res.Code != 0 {
			return fmt.Errorf("tx %d: %w", i, &txRejectedError{"check", res.Code, res.Log})
		}
		hashes = append(hashes, res.Hash)
	}
	for i, h := range hashes {
		if _, _, err := waitTx(ctx, c, h); err != nil {
			return fmt.Errorf("tx %d: %w", i, err)
		}
	}
	return nil
}

// waitTx polls for a tx by hash until it is in a block or ctx ends.
func waitTx(ctx context.Context, c rpcclient.Client, hash []byte) (int64, []byte, error) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		r, err := c.Tx(ctx, hash, false)
		if err == nil {
			if r.TxResult.Code != 0 {
				return r.Height, hash, &txRejectedError{"deliver", r.TxResult.Code, r.TxResult.Log}
			}
			return r.Height, hash, nil
		}
		select {
		case <-ctx.Done():
			return 0, hash, fmt.Errorf("tx %X not in a block yet: %w", hash, ctx.Err())
		case <-tick.C:
		}
	}
}

// printJSON pretty-prints raw JSON.
func printJSON(w interface{ Write([]byte) (int, error) }, raw []byte) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func hexAddr(k ed25519.PrivateKey) string {
	return hex.EncodeToString(tx.Address(k.Public().(ed25519.PublicKey)))
}
