// Package filefetch is the built-in "file" fetcher: it reads a file under
// a root directory configured by the operator, for fixtures and devnets.
//
// Config: {"path": "fixtures/block-{{height}}.json"} — a relative path
// under the root. Absolute paths, ".." elements and symlinks that lead
// out of the root are refused (the root is opened with os.OpenRoot).
package filefetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/assaynet/assay/plugins"
)

// Kind is the kind this fetcher serves.
const Kind = "file"

// ErrPath means a config path is absolute or climbs out of the root.
var ErrPath = errors.New("filefetch: path outside the root")

// Fetcher is the "file" fetcher; it implements plugins.Fetcher.
type Fetcher struct {
	root *os.Root
}

var _ plugins.Fetcher = (*Fetcher)(nil)

// New opens root, which must be a directory; Close releases it.
func New(root string) (*Fetcher, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("filefetch: %w", err)
	}
	return &Fetcher{root: r}, nil
}

// Close releases the root directory.
func (f *Fetcher) Close() error { return f.root.Close() }

// Kinds returns ["file"].
func (f *Fetcher) Kinds(context.Context) ([]string, error) { return []string{Kind}, nil }

// Fetch opens the configured file under the root.
func (f *Fetcher) Fetch(_ context.Context, req plugins.Request) (io.ReadCloser, error) {
	var c struct {
		Path string `json:"path"`
	}
	if err := json.Unmarshal(req.Config, &c); err != nil {
		return nil, fmt.Errorf("filefetch: config: %w", err)
	}
	if err := checkPath(c.Path); err != nil {
		return nil, err
	}
	file, err := f.root.Open(c.Path)
	if err != nil {
		return nil, fmt.Errorf("filefetch: %w", err)
	}
	info, err := file.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("filefetch: %s is not a regular file", c.Path)
	}
	if err == nil && req.MaxBytes > 0 && info.Size() > req.MaxBytes {
		err = fmt.Errorf("filefetch: %s is %d bytes: %w", c.Path, info.Size(), plugins.ErrTooLarge)
	}
	if err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}

// checkPath refuses empty, absolute and climbing paths with a clear error
// (os.Root would refuse them too, less clearly).
func checkPath(p string) error {
	if p == "" {
		return errors.New("filefetch: config: path is missing")
	}
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") {
		return fmt.Errorf("%w: %q is absolute", ErrPath, p)
	}
	for _, part := range strings.Split(filepath.ToSlash(p), "/") {
		if part == ".." {
			return fmt.Errorf("%w: %q contains ..", ErrPath, p)
		}
	}
	return nil
}
