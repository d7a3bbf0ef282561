package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/plugins"
)

// Files of a node home, beside CometBFT's config/ and data/.
const (
	assayConfigFile = "config/assay.toml"
	operatorKeyFile = node.OperatorKeyFile
)

// assayConfig is config/assay.toml: the Assay parts of a node.
type assayConfig struct {
	// OperatorKey is the operator key file (signs Commit/Reveal txs).
	OperatorKey string `toml:"operator_key_file"`
	Pin         struct {
		Dir string `toml:"dir"`
	} `toml:"pin"`
	Gateway struct {
		Listen string `toml:"listen"` // host:port of the IPFS gateway; "" disables it
	} `toml:"gateway"`
	Worker struct {
		Concurrency int    `toml:"concurrency"`
		JournalDir  string `toml:"journal_dir"`
		Fault       string `toml:"fault"` // "" (honest), wrong-output, no-reveal, no-commit
	} `toml:"worker"`
	Sandbox struct {
		CacheDir string `toml:"cache_dir"`
		Engine   string `toml:"engine"`
	} `toml:"sandbox"`
	// Fetch and Plugins are read by plugins.LoadConfig from the same file.
	Fetch   plugins.FetchConfig    `toml:"fetch"`
	Plugins []plugins.PluginConfig `toml:"plugins"`
}

func defaultAssayConfig(gateway string) *assayConfig {
	c := &assayConfig{OperatorKey: operatorKeyFile}
	c.Pin.Dir = "data/pins"
	c.Gateway.Listen = gateway
	c.Worker.Concurrency = 4
	c.Worker.JournalDir = "data/journal"
	c.Sandbox.CacheDir = "data/wasm-cache"
	c.Fetch.Timeout = plugins.Duration(10 * time.Second)
	c.Fetch.MaxBytes = 8 << 20
	c.Fetch.Concurrency = plugins.DefaultConcurrency
	return c
}

// path resolves p against home.
func homePath(home, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(home, p)
}

// assayTOML is the assay.toml that init, testnet and devnet write.
const assayTOML = `# Assay node config (the CometBFT parts are in config.toml).
# Relative paths are relative to the node home.

# The operator key signs this node's Commit and Reveal txs.
operator_key_file = %q

[pin]
# Persistent blockstore (flatfs) and pins of every input and output.
dir = %q

[gateway]
# IPFS HTTP gateway (trustless raw/CAR and plain bytes); "" disables it.
listen = %q

[worker]
concurrency = %d
journal_dir = %q
# Fault injection for tests and demos: "", "wrong-output", "no-reveal", "no-commit".
fault = %q

[sandbox]
# Compiled validator cache; engine "compiler" (default) or "interpreter".
cache_dir = %q
engine = %q

[fetch]
timeout = %q
max_bytes = %d
# file_root = "/srv/assay-inputs"   # enables the built-in "file" fetcher
# The http fetcher refuses loopback, private, link-local and other special
# addresses (docs/operators.md); list CIDR ranges it may reach anyway,
# e.g. ["10.0.0.0/8"] for upstreams on a private network.
allow_private_ranges = %s

# Fetcher plugins (go-plugin binaries), checked by SHA-256 before each start:
# [[plugins]]
# name   = "eth"
# path   = "/usr/local/lib/assay/ethfetcher"
# sha256 = "…"
`

func writeAssayConfig(home string, c *assayConfig) error {
	body := fmt.Sprintf(assayTOML, c.OperatorKey, c.Pin.Dir, c.Gateway.Listen, c.Worker.Concurrency,
		c.Worker.JournalDir, c.Worker.Fault, c.Sandbox.CacheDir, c.Sandbox.Engine,
		time.Duration(c.Fetch.Timeout).String(), c.Fetch.MaxBytes, tomlStrings(c.Fetch.AllowPrivateRanges))
	if err := os.WriteFile(filepath.Join(home, assayConfigFile), []byte(body), 0o600); err != nil {
		return fmt.Errorf("write assay.toml: %w", err)
	}
	return nil
}

// tomlStrings writes ss as a TOML array of basic strings.
func tomlStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// loadAssayConfig reads home's assay.toml over the defaults. Unknown keys
// and out-of-range values are errors that name the key: a typo must not
// silently leave a default in force.
func loadAssayConfig(home string) (*assayConfig, error) {
	c := defaultAssayConfig("")
	md, err := toml.DecodeFile(filepath.Join(home, assayConfigFile), c)
	if err != nil {
		return nil, fmt.Errorf("read assay.toml: %w", err)
	}
	if err := errors.Join(unknownKeys(md), c.validate()); err != nil {
		return nil, fmt.Errorf("assay.toml: %w", err)
	}
	return c, nil
}

// unknownKeys reports every key of the file that no field took.
func unknownKeys(md toml.MetaData) error {
	var errs []error
	for _, k := range md.Undecoded() {
		errs = append(errs, fmt.Errorf("unknown key %q", k.String()))
	}
	return errors.Join(errs...)
}

// keyFile is the JSON form of an ed25519 key (operator keys and user
// keys): node.KeyFile, so a home's operator key and `assay keys` share
// one format.
type keyFile = node.KeyFile

func newKeyFile(name string) (*keyFile, ed25519.PrivateKey, error) { return node.NewKeyFile(name) }

func writeKeyFile(path string, k *keyFile) error { return k.Save(path) }

func readKeyFile(path string) (*keyFile, ed25519.PrivateKey, error) { return node.LoadKeyFile(path) }
