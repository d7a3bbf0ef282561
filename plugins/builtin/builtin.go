// Package builtin builds the node's fetch Manager from assay.toml: the
// in-process "http" fetcher, the "file" fetcher when [fetch] file_root is
// set, and the configured plugins (NewManager, LoadManager). `assay
// start` and `assay fetch` both use it, so a CLI fetch takes the worker's
// code path; FetchOnce is `assay fetch`'s one fetch of a source's input,
// with its CID and SHA-256.
package builtin

import (
	"log/slog"

	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/filefetch"
	"github.com/assaynet/assay/plugins/httpfetch"
)

// NewManager returns a Manager with the built-in fetchers and the plugins
// of cfg. fileRoot, when not empty, overrides cfg's [fetch] file_root.
// The http fetcher refuses httpfetch.DeniedRanges except the ranges of
// [fetch] allow_private_ranges.
// Close the Manager to stop the plugins and release the file root.
func NewManager(cfg *plugins.Config, fileRoot string, log *slog.Logger) (*plugins.Manager, error) {
	if cfg == nil {
		cfg = &plugins.Config{}
	}
	if fileRoot == "" {
		fileRoot = cfg.Fetch.FileRoot
	}
	allow, err := cfg.Fetch.AllowedRanges()
	if err != nil {
		return nil, err
	}
	fetchers := []plugins.Fetcher{httpfetch.New(httpfetch.Options{Allow: allow})}
	if fileRoot != "" {
		f, err := filefetch.New(fileRoot)
		if err != nil {
			return nil, err
		}
		fetchers = append(fetchers, f)
	}
	m, err := plugins.NewManager(plugins.Options{
		Plugins:  cfg.Plugins,
		Builtins: fetchers,
		Limits:   cfg.Limits(),
		Logger:   log,
	})
	if err != nil {
		for _, f := range fetchers {
			if c, ok := f.(interface{ Close() error }); ok {
				c.Close()
			}
		}
		return nil, err
	}
	return m, nil
}
