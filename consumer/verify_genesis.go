package consumer

import (
	"bytes"
	"context"
	"encoding/base64"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/light"
	"github.com/cometbft/cometbft/light/provider"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/assaynet/assay/consensus/state"
)

// genesisRoot is a genesis file as a trust root: the chain id, the first
// height and the validator set InitChain installs (app_state validators,
// power = stake; docs/protocol.md section 5).
type genesisRoot struct {
	chainID string
	initial int64
	vals    *cmttypes.ValidatorSet
}

func parseGenesis(b []byte) (*genesisRoot, error) {
	gd, err := cmttypes.GenesisDocFromJSON(b)
	if err != nil {
		return nil, fail(PartTrust, err, "genesis file")
	}
	app, err := state.ParseGenesis(gd.AppState)
	if err != nil {
		return nil, fail(PartTrust, err, "genesis app_state")
	}
	vals := make([]*cmttypes.Validator, 0, len(app.Validators))
	for i, gv := range app.Validators {
		pk, err := base64.StdEncoding.DecodeString(gv.ConsensusPubKey)
		if err != nil || len(pk) != ed25519.PubKeySize || gv.Stake == 0 {
			return nil, fail(PartTrust, err, "genesis validator %d: consensus_pubkey must be base64 of 32 bytes and stake > 0", i)
		}
		vals = append(vals, cmttypes.NewValidator(ed25519.PubKey(pk), int64(gv.Stake)))
	}
	if len(vals) == 0 {
		return nil, fail(PartTrust, nil, "genesis app_state has no validators")
	}
	return &genesisRoot{chainID: gd.ChainID, initial: gd.InitialHeight, vals: cmttypes.NewValidatorSet(vals)}, nil
}

// trust verifies the chain's first header from the primary against the
// genesis: it must carry the genesis chain id and validator set, and
// more than 2/3 of the genesis voting power must have signed it. That
// header is then the trust root.
func (g *genesisRoot) trust(ctx context.Context, p provider.Provider, node, chainID string, period time.Duration) (light.TrustOptions, error) {
	if chainID != g.chainID {
		return light.TrustOptions{}, fail(PartTrust, nil, "chain id %q is not the genesis chain id %q", chainID, g.chainID)
	}
	lb, err := p.LightBlock(ctx, g.initial)
	if err != nil {
		return light.TrustOptions{}, lightErr(err, g.initial, node)
	}
	switch {
	case !bytes.Equal(lb.ValidatorsHash, g.vals.Hash()):
		return light.TrustOptions{}, fail(PartHeader, nil, "header %d from %s: validators hash %X is not the genesis validators' %X",
			g.initial, node, lb.ValidatorsHash, g.vals.Hash())
	case lb.Commit.BlockID.Hash == nil || !bytes.Equal(lb.Commit.BlockID.Hash, lb.Hash()):
		return light.TrustOptions{}, fail(PartHeader, nil, "header %d from %s: the commit is for block %X, not %X",
			g.initial, node, lb.Commit.BlockID.Hash, lb.Hash())
	}
	if err := g.vals.VerifyCommitLight(g.chainID, lb.Commit.BlockID, g.initial, lb.Commit); err != nil {
		return light.TrustOptions{}, fail(PartHeader, err, "header %d from %s is not signed by the genesis validators", g.initial, node)
	}
	return light.TrustOptions{Period: period, Height: g.initial, Hash: lb.Hash()}, nil
}
