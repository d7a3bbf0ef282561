package node

import (
	"context"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
)

// blockingApp holds FinalizeBlock until release is closed.
type blockingApp struct {
	abci.BaseApplication
	entered, release chan struct{}
}

func (b *blockingApp) FinalizeBlock(context.Context, *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	close(b.entered)
	<-b.release
	return &abci.ResponseFinalizeBlock{}, nil
}

// TestQueryDoesNotWaitForConsensus: CometBFT opens one client per ABCI
// connection; a query on the query connection answers while the
// consensus connection is inside FinalizeBlock. With one lock for every
// connection (proxy.NewLocalClientCreator) the query waited for the
// block.
func TestQueryDoesNotWaitForConsensus(t *testing.T) {
	a := &blockingApp{entered: make(chan struct{}), release: make(chan struct{})}
	cc := clientCreator(a)
	consensus, err := cc.NewABCIClient()
	if err != nil {
		t.Fatal(err)
	}
	query, err := cc.NewABCIClient()
	if err != nil {
		t.Fatal(err)
	}
	finalized := make(chan error, 1)
	go func() {
		_, err := consensus.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 1})
		finalized <- err
	}()
	<-a.entered
	answered := make(chan error, 1)
	go func() {
		_, err := query.Query(context.Background(), &abci.RequestQuery{Path: "/params"})
		answered <- err
	}()
	select {
	case err := <-answered:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Error("the query waited for FinalizeBlock on another connection")
		defer func() { <-answered }() // it answers once the block is released
	}
	close(a.release)
	if err := <-finalized; err != nil {
		t.Fatal(err)
	}
}
