package consumer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/cometbft/cometbft/light"
	"github.com/cometbft/cometbft/light/provider"
	lighthttp "github.com/cometbft/cometbft/light/provider/http"
	lightdb "github.com/cometbft/cometbft/light/store/db"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"
	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
)

// DefaultTrustPeriod is how long a trust root stays usable when
// Options.TrustPeriod is 0: one week, the default of CometBFT's light
// client (`cometbft light --trusting-period`). It must be shorter than
// the time a misbehaving validator can still be punished.
const DefaultTrustPeriod = 168 * time.Hour

// Options configure a Verifier. Give a trust root: TrustHeight and
// TrustHash, or Genesis.
type Options struct {
	// Nodes are CometBFT RPC addresses (tcp://host:port or http://…):
	// the primary first, which answers the headers and the proof, then
	// witnesses that the light client cross-checks the headers with.
	Nodes []string
	// TrustHeight and TrustHash are a header the caller trusts (its hash,
	// 32 bytes), from a source other than the nodes: CometBFT's
	// light.TrustOptions.
	TrustHeight int64
	TrustHash   []byte
	// TrustPeriod is how long after its time the trusted header may be
	// used (0: DefaultTrustPeriod).
	TrustPeriod time.Duration
	// Genesis is the chain's genesis.json, as a trust root instead of
	// TrustHeight/TrustHash: the first block's header is trusted once the
	// genesis validators (app_state) are shown to have signed it. It
	// works only while the first block is within the trust period.
	Genesis []byte
	// ChainID is the chain's id; "" takes it from Genesis or asks the
	// primary (a lie there cannot match the trusted header's hash).
	ChainID string
	// Gateway is an IPFS gateway URL (untrusted) to download the output
	// bytes from; "" verifies the record only.
	Gateway string
}

// Verifier verifies datasets from untrusted nodes. It keeps the headers
// it has verified in memory, so later calls fetch only newer ones. It is
// safe for concurrent use.
type Verifier struct {
	o         Options
	rpc       *rpchttp.HTTP   // the primary, for status and proofs
	witnesses []*rpchttp.HTTP // for their heights

	mu      sync.Mutex
	lc      *light.Client // nil until first use, and after a header failure
	chainID string
}

// NewVerifier checks o and returns a Verifier; it does not dial yet.
func NewVerifier(o Options) (*Verifier, error) {
	if len(o.Nodes) == 0 || strings.TrimSpace(o.Nodes[0]) == "" {
		return nil, fail(PartTrust, nil, "no node address")
	}
	hasHash := o.TrustHeight != 0 || len(o.TrustHash) != 0
	switch {
	case hasHash && len(o.Genesis) > 0:
		return nil, fail(PartTrust, nil, "give a trust height and hash, or a genesis file, not both")
	case !hasHash && len(o.Genesis) == 0:
		return nil, fail(PartTrust, nil, "no trust root: give a trust height and hash, or a genesis file")
	case hasHash && (o.TrustHeight <= 0 || len(o.TrustHash) != 32):
		return nil, fail(PartTrust, nil, "trust height must be > 0 and trust hash 32 bytes (got height %d, %d bytes)",
			o.TrustHeight, len(o.TrustHash))
	}
	if o.TrustPeriod == 0 {
		o.TrustPeriod = DefaultTrustPeriod
	}
	if o.TrustPeriod < 0 {
		return nil, fail(PartTrust, nil, "negative trust period %s", o.TrustPeriod)
	}
	for i := range o.Nodes {
		o.Nodes[i] = strings.TrimSpace(o.Nodes[i])
	}
	c, err := rpchttp.New(o.Nodes[0], "/websocket")
	if err != nil {
		return nil, fail(PartTrust, err, "node address %q", o.Nodes[0])
	}
	v := &Verifier{o: o, rpc: c}
	for _, addr := range o.Nodes[1:] {
		w, err := rpchttp.NewWithTimeout(addr, "/websocket", 5)
		if err != nil {
			return nil, fail(PartTrust, err, "node address %q", addr)
		}
		v.witnesses = append(v.witnesses, w)
	}
	return v, nil
}

// Dataset is a verified dataset: the record, where it was proven and,
// with a gateway, the output bytes.
type Dataset struct {
	state.DatasetView
	Proof
	// Record is the proven record as stored.
	Record *pb.Dataset `json:"-"`
	// Bytes are the output bytes, checked against OutputCID (nil without
	// a gateway); Gateway is where they came from.
	Bytes   []byte `json:"-"`
	Size    int    `json:"bytes_verified,omitempty"`
	Gateway string `json:"gateway,omitempty"`
}

// Verify proves the dataset of source and round: the header from the
// trust root, the record against its app hash and, with a gateway, the
// output bytes against the proven CID. Any failure is an *Error.
func (v *Verifier) Verify(ctx context.Context, source string, round uint64) (*Dataset, error) {
	rec, err := v.Prove(ctx, fmt.Sprintf("dataset/%s/%d", source, round))
	if err != nil {
		return nil, err
	}
	d := &Dataset{Proof: rec.Proof, Record: &pb.Dataset{}}
	if err := decode(rec, d.Record); err != nil {
		return nil, err
	}
	if err := checkRecord(d, source, round); err != nil {
		return nil, err
	}
	if v.o.Gateway != "" && d.OutputCID != "" {
		if err := v.fetch(ctx, d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// root names the trust root, for people.
func (v *Verifier) root() string {
	if len(v.o.Genesis) > 0 {
		return "the genesis validators' signatures on block 1"
	}
	return fmt.Sprintf("trust height %d", v.o.TrustHeight)
}

// VerifyCID is Verify, and checks that the proven output CID is id (in
// any of its string forms): a download of id is then proven to be that
// round's dataset.
func (v *Verifier) VerifyCID(ctx context.Context, source string, round uint64, id string) (*Dataset, error) {
	want, err := cid.Decode(id)
	if err != nil {
		return nil, fail(PartTrust, err, "CID %q", id)
	}
	d, err := v.Verify(ctx, source, round)
	if err != nil {
		return d, err
	}
	if got, err := cid.Decode(d.OutputCID); err != nil || !got.Equals(want) {
		return nil, fail(PartRecord, nil, "the proven output of %s round %d is %q, not %s", source, round, d.OutputCID, id)
	}
	return d, nil
}

// header verifies the newest header the primary has (at least the trust
// height and min, waiting up to maxWait for min) and returns it: its app
// hash commits to the state one block earlier, the newest state the node
// can prove.
func (v *Verifier) header(ctx context.Context, min int64) (*cmttypes.LightBlock, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.ensureLight(ctx); err != nil {
		return nil, err
	}
	latest, err := v.latest(ctx, min)
	if err != nil {
		return nil, err
	}
	return v.verifyAt(ctx, max(latest, v.o.TrustHeight, 2))
}

// headerAt verifies the header of height h (which the nodes must hold).
func (v *Verifier) headerAt(ctx context.Context, h int64) (*cmttypes.LightBlock, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.ensureLight(ctx); err != nil {
		return nil, err
	}
	return v.verifyAt(ctx, h)
}

// ensureLight starts the light client at the trust root if it is not
// running. v.mu is held.
func (v *Verifier) ensureLight(ctx context.Context) error {
	if v.lc != nil {
		return nil
	}
	lc, chainID, err := v.newLight(ctx)
	if err != nil {
		return err
	}
	v.lc, v.chainID = lc, chainID
	return nil
}

// verifyAt has the light client verify header h. v.mu is held.
func (v *Verifier) verifyAt(ctx context.Context, h int64) (*cmttypes.LightBlock, error) {
	lb, err := v.lc.VerifyLightBlockAtHeight(ctx, h, time.Now())
	if err != nil {
		v.lc = nil // start again from the trust root next time
		return nil, lightErr(err, h, v.o.Nodes[0])
	}
	return lb, nil
}

// maxWait bounds how long latest waits for a block.
const maxWait = 10 * time.Second

// latest returns the lowest latest height of the primary and the
// witnesses that answer, waiting (every 100 ms, at most maxWait) until it
// is at least min. Asking for a header every node already has keeps the
// light client from waiting for a witness one block behind (CometBFT's
// detector sleeps 2 × clock drift + block lag, 30 s, for it).
func (v *Verifier) latest(ctx context.Context, min int64) (int64, error) {
	deadline := time.Now().Add(maxWait)
	for {
		h, err := v.lowestHeight(ctx)
		if err != nil {
			return 0, err
		}
		if h >= min {
			return h, nil
		}
		if time.Now().After(deadline) {
			return 0, fail(PartUnavailable, nil, "the nodes are at height %d, waited %s for %d", h, maxWait, min)
		}
		select {
		case <-ctx.Done():
			return 0, fail(PartUnavailable, ctx.Err(), "waiting for height %d from %s", min, v.o.Nodes[0])
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// lowestHeight is the lowest latest height of the primary (which must
// answer) and the witnesses that answer.
func (v *Verifier) lowestHeight(ctx context.Context) (int64, error) {
	st, err := v.rpc.Status(ctx)
	if err != nil {
		return 0, fail(PartUnavailable, err, "status of %s", v.o.Nodes[0])
	}
	h := st.SyncInfo.LatestBlockHeight
	for _, w := range v.witnesses {
		if ws, err := w.Status(ctx); err == nil {
			h = min(h, ws.SyncInfo.LatestBlockHeight)
		}
	}
	return h, nil
}

// newLight starts a light client at the trust root.
func (v *Verifier) newLight(ctx context.Context) (*light.Client, string, error) {
	chainID := v.o.ChainID
	var g *genesisRoot
	if len(v.o.Genesis) > 0 {
		var err error
		if g, err = parseGenesis(v.o.Genesis); err != nil {
			return nil, "", err
		}
		if chainID == "" {
			chainID = g.chainID
		}
	}
	if chainID == "" {
		st, err := v.rpc.Status(ctx)
		if err != nil {
			return nil, "", fail(PartUnavailable, err, "status of %s", v.o.Nodes[0])
		}
		chainID = st.NodeInfo.Network
	}
	provs := make([]provider.Provider, 0, len(v.o.Nodes)+1)
	for _, addr := range v.o.Nodes {
		p, err := lighthttp.New(chainID, addr)
		if err != nil {
			return nil, "", fail(PartTrust, err, "node address %q", addr)
		}
		provs = append(provs, p)
	}
	if len(provs) == 1 { // the light client needs a witness: the primary again
		p, _ := lighthttp.New(chainID, v.o.Nodes[0])
		provs = append(provs, p)
	}
	trust := light.TrustOptions{Period: v.o.TrustPeriod, Height: v.o.TrustHeight, Hash: v.o.TrustHash}
	if g != nil {
		var err error
		if trust, err = g.trust(ctx, provs[0], v.o.Nodes[0], chainID, v.o.TrustPeriod); err != nil {
			return nil, "", err
		}
	}
	// Every node must hold the trusted header before the light client
	// compares it across them (else CometBFT's detector sleeps 30 s).
	if _, err := v.latest(ctx, trust.Height); err != nil {
		return nil, "", err
	}
	lc, err := light.NewClient(ctx, chainID, trust, provs[0], provs[1:], lightdb.New(dbm.NewMemDB(), ""),
		light.MaxRetryAttempts(2))
	if err != nil {
		return nil, "", lightErr(err, trust.Height, v.o.Nodes[0])
	}
	return lc, chainID, nil
}

// lightErr sorts a light client error into a Part.
func lightErr(err error, h int64, node string) error {
	var expired light.ErrOldHeaderExpired
	switch {
	case errors.As(err, &expired):
		return fail(PartTrust, err, "the trusted header is older than the trust period: get a newer trust height and hash")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, provider.ErrNoResponse), errors.Is(err, provider.ErrLightBlockNotFound),
		errors.Is(err, provider.ErrHeightTooHigh), isConnErr(err):
		return fail(PartUnavailable, err, "header %d from %s", h, node)
	}
	return fail(PartHeader, err, "header %d from %s does not verify from the trust root", h, node)
}

// isConnErr reports a transport failure (refused, reset, DNS).
func isConnErr(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection refused") || strings.Contains(s, "no such host") ||
		strings.Contains(s, "connection reset")
}
