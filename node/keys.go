package node

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/state"
)

// MaxKeyFileBytes caps a key file (one is ~300 bytes).
const MaxKeyFileBytes = 64 << 10

// LoadKey reads a key file (cometnode.KeyFile: operator keys and the
// keys of `assay keys`) after checking that it is a regular file of at
// most MaxKeyFileBytes. When group or others may read it (mode & 0o077),
// warn gets a warning naming the file and the chmod that fixes it; the
// key is still used, as ssh would not.
func LoadKey(path string, warn func(string)) (*cometnode.KeyFile, ed25519.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read key: %w", err)
	}
	switch {
	case !st.Mode().IsRegular():
		return nil, nil, fmt.Errorf("key file %s is not a regular file", path)
	case st.Size() > MaxKeyFileBytes:
		return nil, nil, fmt.Errorf("file %s is larger than the %d-byte limit of a key file", path, MaxKeyFileBytes)
	}
	if w := keyModeWarning(path, st.Mode()); w != "" && warn != nil {
		warn(w)
	}
	return cometnode.LoadKeyFile(path)
}

// keyModeWarning is the warning for a key file that group or others may
// access, or "".
func keyModeWarning(path string, mode os.FileMode) string {
	if mode.Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("warning: key file %s is accessible by group or others (mode %04o); run: chmod 600 %s",
		path, mode.Perm(), path)
}

// validatorSetWarning returns a warning when operator is not in the
// validator set of a /validators query answer b, or is jailed there; ""
// when it is an active validator.
func validatorSetWarning(b []byte, operator []byte) (string, error) {
	vals, err := state.Decode[[]state.ValidatorView](b)
	if err != nil {
		return "", fmt.Errorf("validators query: %w", err)
	}
	op := hex.EncodeToString(operator)
	for _, v := range vals {
		switch {
		case v.Operator != op:
		case v.Tombstoned:
			return fmt.Sprintf("operator %s is tombstoned: this node will not be assigned rounds", op), nil
		case v.Jailed:
			return fmt.Sprintf("operator %s is jailed until height %d: this node will not be assigned rounds until `assay unjail`", op, v.JailedUntil), nil
		default:
			return "", nil
		}
	}
	return fmt.Sprintf("operator %s is not in the chain's validator set (%d validators): this node will not be assigned rounds; check operator_key in assay.toml and the genesis validators", op, len(vals)), nil
}

// warnIfNotValidator waits (at most about two minutes) for the node's
// first committed block, reads the validator set once and logs
// validatorSetWarning if there is one.
func (n *Node) warnIfNotValidator(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for range 120 {
		if h, err := n.RPC.Height(ctx); err == nil && h >= 1 {
			b, _, err := n.RPC.Chain().Query(ctx, state.PathValidators)
			if err == nil {
				var w string
				if w, err = validatorSetWarning(b, n.Operator); w != "" {
					n.log.Warn(w)
				}
			}
			if err != nil && ctx.Err() == nil {
				n.log.Warn("could not read the validator set", "err", err)
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
