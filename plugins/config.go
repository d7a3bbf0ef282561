package plugins

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/assaynet/assay/plugins/spec"
)

// ErrConfig is wrapped by configuration errors.
var ErrConfig = errors.New("plugins: bad config")

// PluginConfig is one [[plugins]] table of assay.toml.
//
//	[[plugins]]
//	name   = "eth"
//	path   = "/usr/local/lib/assay/ethfetcher"
//	sha256 = "9f86d0…"                 # hex SHA-256 of the binary, required
//	args   = ["-v"]
//	env    = { ETH_RPC_TOKEN = "…" }
//	kinds  = ["eth_block"]             # optional, see Kinds
type PluginConfig struct {
	// Name identifies the plugin in logs and errors.
	Name string `toml:"name"`
	// Path is the plugin binary; LoadConfig makes a relative path absolute
	// against the config file's directory (never a $PATH lookup).
	Path string `toml:"path"`
	// SHA256 is the hex SHA-256 of the binary, checked before every start.
	SHA256 string `toml:"sha256"`
	// Args are the binary's command-line arguments.
	Args []string `toml:"args"`
	// Env is the plugin's whole environment (the node's is not inherited).
	Env map[string]string `toml:"env"`
	// Kinds, when set, are the kinds the plugin must serve: the plugin is
	// started on the first fetch of one of them, and start errors name it.
	// When empty, the plugin is started the first time a fetch asks for a
	// kind no started plugin serves.
	Kinds []string `toml:"kinds"`
}

// Duration is a time.Duration written as a string ("10s") in TOML.
type Duration time.Duration

// MarshalText writes the duration as a Go duration string, so that a
// config written with a TOML encoder reads back.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(time.Duration(d).String()), nil
}

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// FetchConfig is the [fetch] table of assay.toml: limits of every fetch.
// Zero values take the defaults of Limits.
type FetchConfig struct {
	// Timeout bounds one fetch that has no deadline of its own ("30s"),
	// as in assay fetch; the node's worker gives each fetch the time left
	// in its round's commit window instead.
	Timeout Duration `toml:"timeout"`
	// MaxBytes caps one input.
	MaxBytes int64 `toml:"max_bytes"`
	// Concurrency is the most fetches in flight per plugin.
	Concurrency int `toml:"concurrency"`
	// FileRoot is the directory the built-in file fetcher serves; empty
	// disables the file kind.
	FileRoot string `toml:"file_root"`
	// AllowPrivateRanges lists CIDR ranges ("10.0.0.0/8") the built-in
	// http fetcher may dial although its default deny list (loopback,
	// private, link-local, …; httpfetch.DeniedRanges) refuses them.
	// Empty (the default) allows none.
	AllowPrivateRanges []string `toml:"allow_private_ranges"`
}

// AllowedRanges parses AllowPrivateRanges. Each entry must be a CIDR
// range without host bits ("10.0.0.0/8", "fd00::/8"); errors name the
// key and the entry.
func (f FetchConfig) AllowedRanges() ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []error
	for i, s := range f.AllowPrivateRanges {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%w: fetch.allow_private_ranges[%d] %q: %s", ErrConfig, i, s, fmt.Sprintf(format, args...)))
		}
		p, err := netip.ParsePrefix(s)
		switch {
		case err != nil:
			bad("want a CIDR range such as \"10.0.0.0/8\" or \"fd00::/8\"")
		case p.Addr().Is4In6():
			bad("write IPv4-mapped ranges as IPv4 (mapped addresses are checked as IPv4)")
		case p.Masked() != p:
			bad("host bits set; did you mean %q?", p.Masked().String())
		default:
			out = append(out, p)
		}
	}
	return out, errors.Join(errs...)
}

// Config is the part of assay.toml this package reads; other tables are
// ignored.
type Config struct {
	// Fetch holds the fetch limits.
	Fetch FetchConfig `toml:"fetch"`
	// Plugins lists the operator's plugins.
	Plugins []PluginConfig `toml:"plugins"`
}

// LoadConfig reads the [fetch] and [[plugins]] tables of an assay.toml and
// validates them (Resolve, against the file's directory).
func LoadConfig(path string) (*Config, error) {
	var c Config
	if _, err := toml.DecodeFile(path, &c); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrConfig, path, err)
	}
	if err := c.Resolve(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

// Resolve makes c's relative plugin paths and [fetch] file_root absolute
// against dir, the directory of the assay.toml they were read from, and
// validates the plugins and the allowed private ranges. A node that has
// decoded assay.toml whole (package node) builds its Config from those
// tables and calls Resolve, so the file is read once.
func (c *Config) Resolve(dir string) error {
	// Absolute, so that a relative --config still gives exec a path: a bare
	// name ("fetcher" under "assay.toml") would be looked up in $PATH.
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	for i := range c.Plugins {
		if p := c.Plugins[i].Path; p != "" && !filepath.IsAbs(p) {
			c.Plugins[i].Path = filepath.Join(dir, p)
		}
	}
	if c.Fetch.FileRoot != "" && !filepath.IsAbs(c.Fetch.FileRoot) {
		c.Fetch.FileRoot = filepath.Join(dir, c.Fetch.FileRoot)
	}
	_, rerr := c.Fetch.AllowedRanges()
	return errors.Join(rerr, validatePlugins(c.Plugins))
}

// Limits returns the fetch limits of the [fetch] table.
func (c *Config) Limits() Limits {
	return Limits{
		Timeout:     time.Duration(c.Fetch.Timeout),
		MaxBytes:    c.Fetch.MaxBytes,
		Concurrency: c.Fetch.Concurrency,
	}
}

// validatePlugins checks names, paths, checksums and kinds.
func validatePlugins(ps []PluginConfig) error {
	var errs []error
	var names []string
	for i, p := range ps {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%w: plugins[%d] %q: %s", ErrConfig, i, p.Name, fmt.Sprintf(format, args...)))
		}
		if p.Name == "" || p.Name == BuiltinName {
			bad("name must be set and not %q", BuiltinName)
		}
		for _, n := range names {
			if n == p.Name {
				bad("duplicate name")
			}
		}
		names = append(names, p.Name)
		if p.Path == "" {
			bad("path must be set")
		}
		if sum, err := hex.DecodeString(p.SHA256); err != nil || len(sum) != 32 {
			bad("sha256 must be 64 hex digits (sha256sum of the binary)")
		}
		for _, k := range p.Kinds {
			if err := spec.ValidateKind(k); err != nil {
				bad("%v", err)
			}
		}
	}
	return errors.Join(errs...)
}
