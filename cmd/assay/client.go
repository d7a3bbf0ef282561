package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/node"
)

// The default node is one `assay init` wrote with its default ports.
var (
	defaultNode    = "tcp://" + node.HostPort("127.0.0.1", cometnode.DefaultPorts.RPC)
	defaultGateway = "http://" + node.HostPort("127.0.0.1", cometnode.DefaultPorts.Gateway)
)

// clientTimeout bounds a command's calls to a node.
const clientTimeout = 30 * time.Second

// clientFlags are the flags of every command that talks to a node.
type clientFlags struct {
	node, keyring, key *string
}

func addClientFlags(fs *flag.FlagSet, withKey bool) clientFlags {
	addrs := envOr("ASSAY_NODE", defaultNode)
	c := clientFlags{node: fs.String("node", addrs, "CometBFT RPC address of a node, or several comma-separated tried in order ($ASSAY_NODE)")}
	if withKey {
		c.keyring = fs.String("keyring", node.DefaultKeyring(), "directory of named keys ($ASSAY_KEYRING)")
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

// loadKey finds a key by file path or keyring name (node.KeyPath);
// warn gets node.LoadKey's warnings.
func loadKey(keyring, name string, warn func(string)) (ed25519.PrivateKey, error) {
	if name == "" {
		return nil, errors.New("--key is required")
	}
	_, k, err := node.LoadKey(node.KeyPath(keyring, name), warn)
	return k, err
}

// dial is chain.Dial: the first of the --node addresses that answers.
var dial = chain.Dial

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
