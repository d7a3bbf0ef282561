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

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/node"
)

// Defaults match the ports `assay init` writes.
const (
	defaultNode    = "tcp://127.0.0.1:26657"
	defaultGateway = "http://127.0.0.1:26659"
	clientTimeout  = 30 * time.Second
)

// errNodeDown is returned when the node's RPC cannot be reached.
var errNodeDown = errors.New("node unreachable")

// clientFlags are the flags of every command that talks to a node.
type clientFlags struct {
	node, keyring, key *string
}

func addClientFlags(fs *flag.FlagSet, withKey bool) clientFlags {
	node := envOr("ASSAY_NODE", defaultNode)
	c := clientFlags{node: fs.String("node", node, "CometBFT RPC address of a node, or several comma-separated tried in order ($ASSAY_NODE)")}
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
// node.LoadKey's warnings.
func loadKey(keyring, name string, warn func(string)) (ed25519.PrivateKey, error) {
	if name == "" {
		return nil, errors.New("--key is required")
	}
	_, k, err := node.LoadKey(keyPath(keyring, name), warn)
	return k, err
}

// keyPath is name when it is an existing file, else the keyring's key
// of that name.
func keyPath(keyring, name string) string {
	if _, err := os.Stat(name); err == nil {
		return name
	}
	return filepath.Join(keyring, name+".json")
}

// probeTimeout bounds the status call that picks one of several nodes.
const probeTimeout = 5 * time.Second

// dial returns a chain client of the first node of addrs (one RPC
// address, or several comma-separated) that answers, and its address.
// With one address it does not probe: the first call reports a failure.
// With several it asks each for its status in turn and takes the first
// that answers and is not catching up (failover).
func dial(ctx context.Context, addrs string) (*chain.Client, string, error) {
	list := strings.Split(addrs, ",")
	var errs []error
	for _, addr := range list {
		addr = strings.TrimSpace(addr)
		if addr == "" {
			continue
		}
		hc, err := rpchttp.New(addr, "/websocket")
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", addr, err))
			continue
		}
		c := chain.New(hc)
		if len(list) == 1 {
			return c, addr, nil
		}
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		st, err := c.Status(pctx)
		cancel()
		switch {
		case err != nil:
			errs = append(errs, rpcErr(addr, err))
		case st.CatchingUp:
			errs = append(errs, fmt.Errorf("%s: catching up at height %d", addr, st.Height))
		default:
			return c, addr, nil
		}
	}
	if len(errs) == 0 {
		return nil, "", fmt.Errorf("%w: no node address in %q", errNodeDown, addrs)
	}
	return nil, "", fmt.Errorf("%w: every node failed: %w", errNodeDown, errors.Join(errs...))
}

// rpcErr turns a connection failure into errNodeDown.
func rpcErr(addr string, err error) error {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%w at %s (is `assay start` running?): %w", errNodeDown, addr, err)
	}
	return err
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
