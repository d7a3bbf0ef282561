package pin

import (
	"errors"
	"fmt"

	cid "github.com/ipfs/go-cid"
)

// Sentinel errors of package pin; test with errors.Is.
var (
	// ErrNotFound means a block or DAG is not in the store.
	ErrNotFound = errors.New("pin: not found")
	// ErrCorrupt means a stored block does not hash to its CID.
	ErrCorrupt = errors.New("pin: corrupt block")
	// ErrNotPinned means Unpin was asked for a CID that is not pinned.
	ErrNotPinned = errors.New("pin: not pinned")
	// ErrClosed means the Store was used after Close.
	ErrClosed = errors.New("pin: store closed")
	// ErrTooLarge means Get was asked for more than MaxGetSize bytes.
	ErrTooLarge = errors.New("pin: content too large for Get (use Cat)")
)

// CorruptBlockError reports a stored block whose bytes do not hash to its
// CID. It matches ErrCorrupt under errors.Is.
type CorruptBlockError struct {
	// Cid is the CID the block was stored and requested under.
	Cid cid.Cid
}

// Error names the CID of the corrupt block.
func (e *CorruptBlockError) Error() string {
	return fmt.Sprintf("pin: corrupt block %s: stored bytes do not hash to this cid", e.Cid)
}

// Is reports whether target is ErrCorrupt.
func (e *CorruptBlockError) Is(target error) bool { return target == ErrCorrupt }
