package devnet

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/examples/jsonfields/module"
	"github.com/assaynet/assay/internal/filelimit"
	"github.com/assaynet/assay/internal/submit"
	"github.com/assaynet/assay/runtime/sandbox"
)

// Builtin names the embedded example validator program and its params
// (examples/jsonfields/module) in RunOptions.Code and Params: the devnet
// needs no checkout.
const Builtin = "builtin:jsonfields"

// ExampleFiles reads the validator program and params of the example
// sources: the embedded ones for Builtin, else the files named ("" params:
// none).
func ExampleFiles(code, params string) (wasm, p []byte, err error) {
	if code == Builtin {
		wasm = module.Wasm
	} else if wasm, err = filelimit.Read(code, filelimit.Code); err != nil {
		return nil, nil, fmt.Errorf("validator code: %w", err)
	}
	switch params {
	case Builtin:
		p = module.Params
	case "":
	default:
		if p, err = filelimit.Read(params, filelimit.Params); err != nil {
			return nil, nil, fmt.Errorf("validator params: %w", err)
		}
	}
	return wasm, p, nil
}

// Sources are the example sources a run registers: one per symbol, each
// fetching its price from the mock exchange.
type Sources struct {
	Symbols  []string
	Every    uint64 // blocks between rounds of each source
	Replicas uint32 // replicas per round
	// Spread registers the sources over Every consecutive blocks, so
	// their rounds open evenly spread over the blocks instead of all in
	// one block every Every blocks.
	Spread bool
}

// RegisterSources stores the code and registers one source per symbol,
// signed by a fresh owner key, through node 0.
func RegisterSources(ctx context.Context, d *Net, wasm, params []byte, s Sources) error {
	_, owner, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	c := d.Nodes[0].RPC.Chain()
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := WaitHeight(wctx, d.Nodes[0], 1); err != nil {
		return err
	}
	codeCID, _, err := submit.StoreCode(wctx, c, owner, wasm)
	if err != nil {
		return fmt.Errorf("store code: %w", err)
	}
	txs := make([]*pb.TxBody, 0, len(s.Symbols))
	for _, sym := range s.Symbols {
		id := strings.ToLower(sym)
		spec := &pb.SourceSpec{
			Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: d.Exchange.URL + "/price/" + sym + "?height={{height}}"}}},
			CodeCid: codeCID, Params: params, Every: s.Every, Replicas: s.Replicas,
			GasLimit: 100_000_000, MaxOutputBytes: 65536, MemoryPages: sandbox.DefaultMaxMemoryPages,
			Metadata: priceMetadata(sym),
		}
		txs = append(txs, tx.RegisterSourceBody(id, spec))
	}
	for _, group := range registrationGroups(txs, s) {
		// submit.Many waits until its txs are in a block, so each group
		// lands in a later block than the one before.
		if err := submitRegistrations(wctx, d, owner, group); err != nil {
			return fmt.Errorf("register sources: %w", err)
		}
	}
	return nil
}

// priceMetadata describes the output of a devnet source: the mock
// exchange's ticker (exchange.go) as the jsonfields validator program
// outputs it, in RFC 8785 form.
func priceMetadata(sym string) *pb.Metadata {
	return &pb.Metadata{
		Description: sym + " price from the devnet's mock exchange, checked and canonicalised by examples/jsonfields.",
		MediaType:   "application/json",
		Fields: []*pb.Field{
			{Name: "price", Type: "number", Unit: "USD", Decimals: 2, Description: "last price"},
			{Name: "symbol", Type: "string", Description: "the ticker symbol"},
			{Name: "ts", Type: "integer", Unit: "s", Description: "exchange time, unix seconds"},
			{Name: "venue", Type: "string", Description: "the exchange"},
		},
	}
}

// registrationAttempts bounds how often submitRegistrations resends.
const registrationAttempts = 3

// submitRegistrations sends RegisterSource txs and, when some fail (a
// long pipelined run of one signer's txs can reach a proposer with a gap
// in its sequences), sends those not registered again with fresh
// sequences.
func submitRegistrations(ctx context.Context, d *Net, owner ed25519.PrivateKey, txs []*pb.TxBody) error {
	c := d.Nodes[0].RPC.Chain()
	var err error
	for attempt := 0; attempt < registrationAttempts && len(txs) > 0; attempt++ {
		if err = submit.Many(ctx, c, owner, txs); err == nil {
			return nil
		}
		// Let the txs still in flight land or fail before looking.
		h, herr := d.Nodes[0].RPC.Height(ctx)
		if herr != nil {
			return errors.Join(err, herr)
		}
		if werr := WaitHeight(ctx, d.Nodes[0], h+2); werr != nil {
			return errors.Join(err, werr)
		}
		var missing []*pb.TxBody
		for _, t := range txs {
			id := t.GetRegisterSource().GetId()
			_, qerr := c.Source(ctx, id)
			switch {
			case errors.Is(qerr, state.ErrNotFound):
				missing = append(missing, t)
			case qerr != nil:
				return errors.Join(err, qerr)
			}
		}
		txs = missing
	}
	if len(txs) == 0 {
		return nil
	}
	return err
}

// registrationGroups splits the registration txs into s.Every groups of
// nearly equal size when s.Spread is set (one group otherwise): a source's
// rounds open at (H − start) mod every == 0, so sources registered in
// consecutive blocks open their rounds in different blocks.
func registrationGroups(txs []*pb.TxBody, s Sources) [][]*pb.TxBody {
	n := 1
	if s.Spread && s.Every > 1 {
		n = int(min(s.Every, uint64(len(txs))))
	}
	groups := make([][]*pb.TxBody, 0, n)
	for i := 0; i < n; i++ {
		lo, hi := i*len(txs)/n, (i+1)*len(txs)/n
		groups = append(groups, txs[lo:hi])
	}
	return groups
}
