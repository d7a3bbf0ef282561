package pin

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/boxo/ipld/merkledag"
	cid "github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
)

// Pinned is one recursive pin: a DAG root kept, with all its blocks, by
// GC, under a name. A root may have several pins (names).
type Pinned struct {
	Cid  cid.Cid
	Name string
}

// Pin pins the DAG rooted at c recursively under name. A root keeps each
// name it is pinned under (pinning it again under the same name changes
// nothing) and stays pinned while any of them does. The whole DAG must be
// in the store; Pin reads and hash-checks every block of it.
func (s *Store) Pin(ctx context.Context, c cid.Cid, name string) error {
	if err := s.rlockPins(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	return s.pin(ctx, c, name)
}

// pin is Pin for a caller holding s.mu.
func (s *Store) pin(ctx context.Context, c cid.Cid, name string) error {
	return s.pinWalked(ctx, s.dag, c, name)
}

// pinWalked pins c under name after walking its whole DAG through dag,
// which reads (and so hash-checks) every block from the store, or fetches
// what is missing: the pin never holds an incomplete DAG. The caller
// holds s.mu.
func (s *Store) pinWalked(ctx context.Context, dag ipld.DAGService, c cid.Cid, name string) error {
	if err := merkledag.FetchGraph(ctx, c, dag); err != nil {
		return fmt.Errorf("pin: pin %s: %w", c, err)
	}
	if err := s.pins.add(ctx, c, name); err != nil {
		return fmt.Errorf("pin: pin %s: %w", c, err)
	}
	return nil
}

// NamePinned pins c under name too if c is already pinned under another
// name, without reading its DAG (a pinned root's blocks are all stored,
// and GC keeps them), and reports whether it was. The check and the pin
// hold the store's shared lock together, so the other pin cannot be the
// last one removed in between by Unpin or a GC.
func (s *Store) NamePinned(ctx context.Context, c cid.Cid, name string) (bool, error) {
	if err := s.rlockPins(); err != nil {
		return false, err
	}
	defer s.mu.RUnlock()
	ok, err := s.pins.has(ctx, c)
	if err != nil || !ok {
		return false, err
	}
	if err := s.pins.add(ctx, c, name); err != nil {
		return false, fmt.Errorf("pin: pin %s: %w", c, err)
	}
	return true, nil
}

// Unpin removes every pin of c, whatever its name (its blocks stay until
// GC). It returns an error matching ErrNotPinned when c is not pinned.
func (s *Store) Unpin(ctx context.Context, c cid.Cid) error {
	if err := s.rlockPins(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if err := s.pins.remove(ctx, c); err != nil {
		if errors.Is(err, ErrNotPinned) {
			return err
		}
		return fmt.Errorf("pin: unpin %s: %w", c, err)
	}
	return nil
}

// IsPinned reports whether c is itself pinned, under any name (as a pin
// root; a block kept only because a pinned DAG contains it does not
// count).
func (s *Store) IsPinned(ctx context.Context, c cid.Cid) (bool, error) {
	if err := s.rlockPins(); err != nil {
		return false, err
	}
	defer s.mu.RUnlock()
	ok, err := s.pins.has(ctx, c)
	if err != nil {
		return false, fmt.Errorf("pin: is pinned %s: %w", c, err)
	}
	return ok, nil
}

// ListPins returns every pin, sorted by CID string, then name: a root
// pinned under several names is listed once for each.
func (s *Store) ListPins(ctx context.Context) ([]Pinned, error) {
	if err := s.rlockPins(); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	return s.listPins(ctx)
}

// listPins is ListPins for a caller holding s.mu.
func (s *Store) listPins(ctx context.Context) ([]Pinned, error) {
	out, err := s.pins.list(ctx)
	if err != nil {
		return nil, fmt.Errorf("pin: list pins: %w", err)
	}
	return out, nil
}

// UnpinNames removes the pins ps, each a root under one name (the root
// stays pinned under its other names; blocks no pin keeps stay until GC),
// and returns how many it removed. A pin that does not exist is skipped;
// any other error stops it (the pins removed so far stay removed).
func (s *Store) UnpinNames(ctx context.Context, ps []Pinned) (int, error) {
	if err := s.rlockPins(); err != nil {
		return 0, err
	}
	defer s.mu.RUnlock()
	n := 0
	for _, p := range ps {
		if err := s.pins.removeName(ctx, p.Cid, p.Name); err != nil {
			if errors.Is(err, ErrNotPinned) {
				continue
			}
			return n, fmt.Errorf("pin: unpin %s as %q: %w", p.Cid, p.Name, err)
		}
		n++
	}
	return n, nil
}

// Unpinned returns the roots of pins that would no longer be pinned
// once the pins of drop (a subset of pins, as ListPins returns them) are
// removed: those whose every name is in drop, once each, in the order of
// drop.
func Unpinned(pins, drop []Pinned) []cid.Cid {
	dropped := make(map[Pinned]bool, len(drop))
	for _, p := range drop {
		dropped[p] = true
	}
	kept := map[string]bool{}
	for _, p := range pins {
		if !dropped[p] {
			kept[p.Cid.KeyString()] = true
		}
	}
	var out []cid.Cid
	seen := map[string]bool{}
	for _, p := range drop {
		k := p.Cid.KeyString()
		if !kept[k] && !seen[k] {
			seen[k] = true
			out = append(out, p.Cid)
		}
	}
	return out
}
