package state

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/seed"
	"github.com/assaynet/assay/consensus/tx"
)

// ErrGenesis is returned for an invalid genesis app state.
var ErrGenesis = errors.New("state: invalid genesis")

// MaxTotalStake caps the total stake so voting powers stay within
// CometBFT's limit (MaxInt64 / 8).
const MaxTotalStake = 1 << 60

// Genesis is the app_state of genesis.json (docs/protocol.md section 5).
type Genesis struct {
	// Params in protojson (snake_case names); fields left out or zero take
	// DefaultParams.
	Params json.RawMessage `json:"params,omitempty"`
	// Validators with their operator addresses and stakes.
	Validators []GenesisValidator `json:"validators"`
	// AllowList, if not empty, restricts StoreCode and RegisterSource to
	// these hex addresses.
	AllowList []string `json:"allow_list,omitempty"`
}

// GenesisValidator is one genesis validator.
type GenesisValidator struct {
	Operator        string `json:"operator"`         // hex, 20 bytes
	ConsensusPubKey string `json:"consensus_pubkey"` // base64 ed25519, 32 bytes
	// VRFPubKey is the key of the validator's VRF proofs (base64, 32
	// bytes; ECVRF-EDWARDS25519-SHA512-ELL2).
	VRFPubKey string `json:"vrf_pubkey"`
	Stake     uint64 `json:"stake"`
}

// ParseGenesis decodes the app_state JSON.
func ParseGenesis(b []byte) (*Genesis, error) {
	var g Genesis
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrGenesis, err)
	}
	return &g, nil
}

func (g *Genesis) params() (*pb.Params, error) {
	p := DefaultParams()
	if len(g.Params) > 0 {
		var over pb.Params
		if err := protojson.Unmarshal(g.Params, &over); err != nil {
			return nil, fmt.Errorf("%w: params: %w", ErrGenesis, err)
		}
		proto.Merge(p, &over)
	}
	if err := ValidateParams(p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrGenesis, err)
	}
	return p, nil
}

func (g *Genesis) validators() ([]*pb.Validator, error) {
	if len(g.Validators) == 0 {
		return nil, fmt.Errorf("%w: no validators", ErrGenesis)
	}
	var total uint64
	out := make([]*pb.Validator, 0, len(g.Validators))
	for i, gv := range g.Validators {
		op, err := hex.DecodeString(gv.Operator)
		if err != nil || len(op) != tx.AddressLen {
			return nil, fmt.Errorf("%w: validator %d: operator must be 20 hex bytes", ErrGenesis, i)
		}
		pk, err := base64.StdEncoding.DecodeString(gv.ConsensusPubKey)
		if err != nil || len(pk) != 32 {
			return nil, fmt.Errorf("%w: validator %d: consensus_pubkey must be base64 of 32 bytes", ErrGenesis, i)
		}
		vrf, err := base64.StdEncoding.DecodeString(gv.VRFPubKey)
		if err == nil {
			err = seed.CheckPublicKey(vrf)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: validator %d: vrf_pubkey must be base64 of a 32-byte ed25519 point: %w", ErrGenesis, i, err)
		}
		if gv.Stake == 0 || gv.Stake > MaxTotalStake-total {
			return nil, fmt.Errorf("%w: validator %d: stake must be > 0 and the total ≤ 2^60", ErrGenesis, i)
		}
		total += gv.Stake
		out = append(out, &pb.Validator{Operator: op, ConsensusPubkey: pk, VrfPubkey: vrf, Stake: gv.Stake, Power: gv.Stake, InitialStake: gv.Stake})
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].Operator, out[j].Operator) < 0 })
	for i := 1; i < len(out); i++ {
		if bytes.Equal(out[i-1].Operator, out[i].Operator) {
			return nil, fmt.Errorf("%w: duplicate operator %x", ErrGenesis, out[i].Operator)
		}
	}
	byKey := append([]*pb.Validator(nil), out...)
	sort.Slice(byKey, func(i, j int) bool { return bytes.Compare(byKey[i].ConsensusPubkey, byKey[j].ConsensusPubkey) < 0 })
	for i := 1; i < len(byKey); i++ {
		if bytes.Equal(byKey[i-1].ConsensusPubkey, byKey[i].ConsensusPubkey) {
			return nil, fmt.Errorf("%w: duplicate consensus key", ErrGenesis)
		}
	}
	return out, nil
}

// InitGenesis stages the genesis state for chainID and returns the initial
// validator set (power = stake) and the genesis app hash. Call Commit after.
func (m *Machine) InitGenesis(chainID string, g *Genesis) ([]ValidatorUpdate, []byte, error) {
	if m.meta.Height != 0 || len(m.vals) != 0 {
		return nil, nil, fmt.Errorf("%w: chain already initialised", ErrGenesis)
	}
	if chainID == "" {
		return nil, nil, fmt.Errorf("%w: empty chain id", ErrGenesis)
	}
	p, err := g.params()
	if err != nil {
		return nil, nil, err
	}
	vals, err := g.validators()
	if err != nil {
		return nil, nil, err
	}
	m.params, m.vals = p, vals
	m.put(keyParams(), p)
	updates := make([]ValidatorUpdate, 0, len(vals))
	for _, v := range vals {
		m.saveValidator(v)
		updates = append(updates, ValidatorUpdate{PubKey: v.ConsensusPubkey, Power: int64(v.Stake)})
	}
	for i, a := range g.AllowList {
		addr, err := hex.DecodeString(a)
		if err != nil || len(addr) != tx.AddressLen {
			return nil, nil, fmt.Errorf("%w: allow_list %d: must be 20 hex bytes", ErrGenesis, i)
		}
		m.st.set(keyAllow(addr), []byte{1})
	}
	s0 := seed.Genesis(chainID)
	m.beacon = &pb.Beacon{Seed: s0[:]}
	m.put(keyBeacon(), m.beacon)
	m.meta = &pb.Meta{ChainId: chainID, Restricted: len(g.AllowList) > 0}
	m.put(keyMeta(), m.meta)
	hash, err := m.kv.Stage(m.st.changes())
	if err != nil {
		return nil, nil, fmt.Errorf("state: genesis: %w", err)
	}
	m.appHash = hash
	return updates, bytes.Clone(hash), nil
}
