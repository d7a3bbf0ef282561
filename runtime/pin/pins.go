package pin

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/boxo/ipld/merkledag"
	cid "github.com/ipfs/go-cid"
)

// Pinned is one recursive pin: a DAG root kept, with all its blocks, by GC.
type Pinned struct {
	Cid  cid.Cid
	Name string
}

// Pin pins the DAG rooted at c recursively under name (replacing an older
// name of the same pin). The whole DAG must be in the store; Pin reads and
// hash-checks every block of it.
func (s *Store) Pin(ctx context.Context, c cid.Cid, name string) error {
	if err := s.rlockPins(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	return s.pin(ctx, c, name)
}

// pin is Pin for a caller holding s.mu.
func (s *Store) pin(ctx context.Context, c cid.Cid, name string) error {
	// every block must be here: walk (and so hash-check) the whole DAG
	if err := merkledag.FetchGraph(ctx, c, s.dag); err != nil {
		return fmt.Errorf("pin: pin %s: %w", c, err)
	}
	if err := s.pins.add(ctx, c, name); err != nil {
		return fmt.Errorf("pin: pin %s: %w", c, err)
	}
	return nil
}

// Unpin removes the pin of c (its blocks stay until GC). It returns an
// error matching ErrNotPinned when c is not pinned.
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

// IsPinned reports whether c is itself pinned (as a pin root; a block
// kept only because a pinned DAG contains it does not count).
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

// ListPins returns every pin, sorted by CID string.
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

// UnpinMany removes the pins of cs (their blocks stay until GC) and
// returns how many it removed. A CID that is not pinned is skipped; any
// other error stops it (the pins removed so far stay removed).
func (s *Store) UnpinMany(ctx context.Context, cs []cid.Cid) (int, error) {
	if err := s.rlockPins(); err != nil {
		return 0, err
	}
	defer s.mu.RUnlock()
	n := 0
	for _, c := range cs {
		if err := s.pins.remove(ctx, c); err != nil {
			if errors.Is(err, ErrNotPinned) {
				continue
			}
			return n, fmt.Errorf("pin: unpin %s: %w", c, err)
		}
		n++
	}
	return n, nil
}
