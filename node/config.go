package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/worker"
	"github.com/assaynet/assay/node/replica"
	"github.com/assaynet/assay/plugins"
)

// Files of a node home, beside CometBFT's config/ and data/.
const (
	// ConfigFile is the Assay part of a home's config.
	ConfigFile = "config/assay.toml"
	// OperatorKeyFile is the operator key a home is written with.
	OperatorKeyFile = cometnode.OperatorKeyFile
)

// Config is config/assay.toml: the Assay parts of a node. Default holds
// every default; Load reads a file strictly over them.
type Config struct {
	// OperatorKey is the operator key file (signs Commit/Reveal txs).
	OperatorKey string         `toml:"operator_key_file"`
	Pin         PinConfig      `toml:"pin"`
	Gateway     GatewayConfig  `toml:"gateway"`
	API         APIConfig      `toml:"api"`
	Explorer    ExplorerConfig `toml:"explorer"`
	Worker      WorkerConfig   `toml:"worker"`
	Sandbox     SandboxConfig  `toml:"sandbox"`
	// Bitswap and Replicate put every agreed dataset on every node
	// (docs/node.md, "Replication").
	Bitswap   BitswapConfig   `toml:"bitswap"`
	Replicate ReplicateConfig `toml:"replicate"`
	// Retention bounds the pin store (docs/node.md, "Retention").
	Retention RetentionConfig `toml:"retention"`
	// Metrics adds per-source series for the sources it lists
	// (docs/node.md, "Metrics").
	Metrics MetricsConfig `toml:"metrics"`
	// Fetch and Plugins are the fetch manager's tables (plugins.Config,
	// resolved against assay.toml's directory when the node opens).
	Fetch   plugins.FetchConfig    `toml:"fetch"`
	Plugins []plugins.PluginConfig `toml:"plugins"`
}

// PinConfig is the [pin] table.
type PinConfig struct {
	// Dir is the persistent blockstore and the pins of every input and output.
	Dir string `toml:"dir"`
}

// GatewayConfig is the [gateway] table.
type GatewayConfig struct {
	// Listen is the host:port of the IPFS gateway; "" disables it.
	Listen string `toml:"listen"`
	// PublicURL is the gateway URL the node announces on chain; ""
	// announces http://<listen>.
	PublicURL string `toml:"public_url"`
}

// BitswapConfig is the [bitswap] table: the node's libp2p host.
type BitswapConfig struct {
	// Listen are the multiaddrs of the libp2p host (TCP); empty disables
	// it (replication then uses the attesters' gateways only).
	Listen []string `toml:"listen"`
	// Announce are the multiaddrs announced on chain (without
	// /p2p/<id>, which is added); empty announces the listen addresses.
	Announce []string `toml:"announce"`
	// KeyFile is the libp2p identity key, created on first start.
	KeyFile string `toml:"key_file"`
}

// ReplicateConfig is the [replicate] table.
type ReplicateConfig struct {
	// Enabled fetches and pins every agreed dataset's output.
	Enabled bool `toml:"enabled"`
	// Inputs also fetches and pins every dataset's inputs.
	Inputs bool `toml:"inputs"`
	// Announce publishes the node's retrieval addresses (AnnounceRetrieval
	// tx) on start when the chain's differ.
	Announce    bool             `toml:"announce"`
	Concurrency int              `toml:"concurrency"`
	Timeout     plugins.Duration `toml:"timeout"`  // one attempt of one fetch
	Attempts    int              `toml:"attempts"` // tries per CID, doubling backoff from 1 s
	MaxBytes    int64            `toml:"max_bytes"`
	// CursorFile keeps the height below which every dataset is done.
	CursorFile string `toml:"cursor_file"`
}

// APIConfig is the [api] table: the HTTP read API (docs/node.md, "HTTP
// API"; docs/openapi.yaml).
type APIConfig struct {
	// Listen is the host:port of the API; "" disables it.
	Listen string `toml:"listen"`
	// CORSOrigins are the browser origins allowed to read the API
	// ("scheme://host[:port]", or "*" for any); empty: no CORS headers.
	CORSOrigins []string `toml:"cors_origins"`
}

// DefaultAPIListen is the API's address in a home written without a base
// port of its own: the port after the gateway's (26656 p2p, 26657 RPC,
// 26658 metrics, 26659 gateway).
const DefaultAPIListen = "127.0.0.1:26660"

// ExplorerConfig is the [explorer] table.
type ExplorerConfig struct {
	// Listen is the host:port of the web explorer; "" disables it.
	Listen string `toml:"listen"`
}

// A home's ports, offsets from its base port (the P2P port): base+0..3
// are CometBFT's P2P, RPC and Prometheus ports and the gateway
// (consensus/node.Ports), then the HTTP API, the explorer and the libp2p
// host; PortsPerHome of them, within the PortStride of 10 between two
// testnet nodes. The default home's are 26656–26662.
const (
	APIPortOffset      = 4
	ExplorerPortOffset = 5
	BitswapPortOffset  = 6
	PortsPerHome       = 7
)

// DefaultExplorer is the explorer address of a home with the default
// ports.
const DefaultExplorer = "127.0.0.1:26661"

// WorkerConfig is the [worker] table.
type WorkerConfig struct {
	// Concurrency is the number of validator jobs in flight.
	Concurrency int `toml:"concurrency"`
	// JournalDir is the leveldb of salts and verdicts.
	JournalDir string `toml:"journal_dir"`
	// Fault is "" (honest), wrong-output, no-reveal or no-commit.
	Fault string `toml:"fault"`
}

// SandboxConfig is the [sandbox] table.
type SandboxConfig struct {
	// CacheDir is the compiled validator cache.
	CacheDir string `toml:"cache_dir"`
	// Engine is "compiler" (the default, also for "") or "interpreter".
	Engine string `toml:"engine"`
}

// Default returns the config `assay init` writes, with the gateway on
// gateway ("" disables it). The worker's and the fetch limits' defaults
// are the worker's and the plugins package's own, so that a key left out
// of assay.toml means the same thing to every part.
func Default(gateway string) *Config {
	c := &Config{OperatorKey: OperatorKeyFile}
	c.Pin.Dir = "data/pins"
	c.Gateway.Listen = gateway
	c.API.Listen = DefaultAPIListen
	c.Worker.Concurrency = worker.DefaultConcurrency
	c.Worker.JournalDir = "data/journal"
	c.Sandbox.CacheDir = "data/wasm-cache"
	c.Bitswap.Listen = []string{DefaultBitswapListen}
	c.Bitswap.KeyFile = "config/libp2p_key"
	c.Replicate = ReplicateConfig{Enabled: true, Announce: true, Concurrency: replica.DefaultConcurrency,
		Timeout: plugins.Duration(replica.DefaultTimeout), Attempts: replica.DefaultAttempts,
		MaxBytes: replica.DefaultMaxBytes, CursorFile: "data/replicate-cursor"}
	c.Retention = RetentionConfig{Enabled: true, Interval: plugins.Duration(DefaultRetentionInterval),
		OutputRounds: DefaultOutputRounds, InputRounds: DefaultInputRounds}
	c.Fetch.Timeout = plugins.Duration(plugins.DefaultTimeout)
	c.Fetch.MaxBytes = plugins.DefaultMaxBytes
	c.Fetch.Concurrency = plugins.DefaultConcurrency
	return c
}

// DefaultBitswapListen is the libp2p listen address of `assay init`:
// base+6, after CometBFT's 26656–26658, the gateway's 26659, the API's
// 26660 and the explorer's 26661.
const DefaultBitswapListen = "/ip4/127.0.0.1/tcp/26662"

// Path resolves p, a path of assay.toml, against home: relative paths are
// relative to the node home.
func Path(home, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(home, p)
}

// configTOML is the assay.toml that Write writes.
const configTOML = `# Assay node config (the CometBFT parts are in config.toml).
# Relative paths are relative to the node home, except [fetch] file_root and
# [[plugins]] path, which are relative to this file's directory (config/).

# The operator key signs this node's Commit and Reveal txs.
operator_key_file = %q

[pin]
# Persistent blockstore (flatfs) and pins of every input and output.
dir = %q

[gateway]
# IPFS HTTP gateway (trustless raw/CAR and plain bytes); "" disables it.
listen = %q
# The URL announced on chain for this gateway; "" announces http://<listen>.
public_url = %q

[bitswap]
# libp2p host (TCP) with a bitswap server over the pin store: any IPFS peer
# can fetch the node's datasets by CID. [] disables it.
listen = %s
# Multiaddrs announced on chain (the /p2p/<peer id> is added); [] announces listen.
announce = %s
key_file = %q

[replicate]
# Fetch every agreed dataset's output from its attesters (bitswap, then
# their gateways), hash-check it and pin it; inputs too when inputs = true.
enabled = %t
inputs = %t
# Publish this node's gateway URL and multiaddrs on chain when they change.
announce = %t
concurrency = %d
timeout = %q
attempts = %d
max_bytes = %d
cursor_file = %q

[api]
# HTTP read API (JSON under /api/v1/, docs/openapi.yaml); "" disables it.
listen = %q
# Browser origins allowed to read it: "https://app.example", or "*" for any.
cors_origins = %s

[explorer]
# Web explorer (chain status, sources, datasets, validators, evidence);
# "" disables it. Bind it to loopback unless you mean to publish it.
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

[retention]
# Background GC of the pin store: the outputs and the inputs of each
# source's last N rounds stay pinned (0 keeps every round); the rest is
# unpinned and collected every interval without pausing jobs. Rounds of the
# last 128 blocks and rounds the journal still owes are always kept.
enabled = %t
interval = %q
output_rounds = %d
input_rounds = %d

[metrics]
# Sources that get per-source series (assay_source_*); [] = none, so the
# metrics' cardinality does not grow with the chain's sources.
sources = %s

# Fetcher plugins (go-plugin binaries), checked by SHA-256 before each start:
# [[plugins]]
# name   = "eth"
# path   = "/usr/local/lib/assay/ethfetcher"
# sha256 = "…"
`

// Write writes c as home's assay.toml, with comments. The [fetch]
// concurrency, file_root and [[plugins]] are left to their defaults.
func (c *Config) Write(home string) error {
	r := c.Replicate
	body := fmt.Sprintf(configTOML, c.OperatorKey, c.Pin.Dir, c.Gateway.Listen, c.Gateway.PublicURL,
		tomlStrings(c.Bitswap.Listen), tomlStrings(c.Bitswap.Announce), c.Bitswap.KeyFile,
		r.Enabled, r.Inputs, r.Announce, r.Concurrency, time.Duration(r.Timeout).String(), r.Attempts, r.MaxBytes, r.CursorFile,
		c.API.Listen, tomlStrings(c.API.CORSOrigins), c.Explorer.Listen, c.Worker.Concurrency,
		c.Worker.JournalDir, c.Worker.Fault, c.Sandbox.CacheDir, c.Sandbox.Engine,
		time.Duration(c.Fetch.Timeout).String(), c.Fetch.MaxBytes, tomlStrings(c.Fetch.AllowPrivateRanges),
		c.Retention.Enabled, time.Duration(c.Retention.Interval).String(), c.Retention.OutputRounds, c.Retention.InputRounds,
		tomlStrings(c.Metrics.Sources))
	if err := os.WriteFile(filepath.Join(home, ConfigFile), []byte(body), 0o600); err != nil {
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

// Load reads home's assay.toml over Default(""). Unknown keys and
// out-of-range values are errors that name the key: a typo must not
// silently leave a default in force.
func Load(home string) (*Config, error) {
	c := Default("")
	md, err := toml.DecodeFile(filepath.Join(home, ConfigFile), c)
	if err != nil {
		return nil, fmt.Errorf("read assay.toml: %w", err)
	}
	if err := errors.Join(unknownKeys(md), c.Validate()); err != nil {
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
