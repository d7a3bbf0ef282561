// Package pinned reads a dataset by CID from a node home's pin store or,
// while the node runs and holds the store's lock, through that node's
// own gateway. `assay dataset get --home` uses it. It lives apart from
// package dataset so that verifying consumers (package consumer) do not
// import the node.
//
// # Example
//
//	b, err := pinned.FromHome(ctx, "/var/lib/assay", id, false, nil)
package pinned

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/internal/dataset"
	"github.com/assaynet/assay/node"
	"github.com/assaynet/assay/runtime/pin"
)

// Errors of FromHome.
var (
	// ErrNoPinStore: the home has no pin store yet (the node never ran).
	ErrNoPinStore = errors.New("no pin store")
	// ErrStoreLocked: a running node holds the pin store's lock and its
	// gateway is disabled, so there is no way in.
	ErrStoreLocked = errors.New("pin store locked by a running node")
)

// FromHome reads id from the pin store of the node home: plain bytes or,
// with car, a CARv1. Every block is hash-checked by the store. When the
// node is running (its leveldb lock is held), it reads through that
// node's gateway instead, saying so to note (which may be nil).
func FromHome(ctx context.Context, home string, id cid.Cid, car bool, note func(string)) ([]byte, error) {
	cfg, err := node.Load(home)
	if err != nil {
		return nil, fmt.Errorf("node home %s: %w", home, err)
	}
	dir := node.Path(home, cfg.Pin.Dir)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("%w at %s (has the node run?): %w", ErrNoPinStore, dir, err)
	}
	s, err := pin.Open(dir)
	if isLocked(err) {
		return viaHomeGateway(ctx, cfg.Gateway.Listen, dir, id, car, note)
	}
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return storeGet(ctx, s, id, car)
}

// viaHomeGateway is the fallback for a running node: its own gateway.
func viaHomeGateway(ctx context.Context, listen, dir string, id cid.Cid, car bool, note func(string)) ([]byte, error) {
	if listen == "" {
		return nil, fmt.Errorf("%w: %s, and its gateway is disabled; stop the node or set [gateway] listen in assay.toml", ErrStoreLocked, dir)
	}
	gw, err := GatewayURL(listen)
	if err != nil {
		return nil, fmt.Errorf("%w: %s, and its gateway address: %w", ErrStoreLocked, dir, err)
	}
	if note != nil {
		note(fmt.Sprintf("the node is running (pin store %s locked); reading through its gateway %s", dir, gw))
	}
	return dataset.FromGateway(ctx, gw, id, car)
}

// GatewayURL turns a listen address into a URL to dial: an unspecified
// host (":p", "0.0.0.0:p", "[::]:p") becomes loopback.
func GatewayURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", err
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// isLocked reports whether err is leveldb's lock held by another process
// (flock with LOCK_NB fails with EWOULDBLOCK).
func isLocked(err error) bool {
	return err != nil && (errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN))
}

// storeGet reads id from an open store, at most dataset.MaxBytes.
func storeGet(ctx context.Context, s *pin.Store, id cid.Cid, car bool) ([]byte, error) {
	if ok, err := s.Has(ctx, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("%s: %w in the local pin store", id, pin.ErrNotFound)
	}
	if !car {
		return s.Get(ctx, id)
	}
	w := &cappedBuffer{max: dataset.MaxBytes}
	if err := s.ExportCAR(ctx, id, w); err != nil {
		return nil, err
	}
	return w.Bytes(), nil
}

// errTooBig: the output passed dataset.MaxBytes.
var errTooBig = fmt.Errorf("more than %d bytes", dataset.MaxBytes)

// cappedBuffer is a bytes.Buffer that refuses to grow past max.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, errTooBig
	}
	return b.Buffer.Write(p)
}
