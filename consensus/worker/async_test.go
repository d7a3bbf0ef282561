package worker

import (
	"crypto/ed25519"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
)

// TestJobsRunWhileBroadcastWaits: a worker with one job slot and a queue
// of rounds keeps starting jobs while its Commit tx waits in CheckTx (on
// a node, CheckTx waits for the block being executed). The defect: the
// loop broadcast in line, so no job started until CheckTx answered, and
// at 5,000 sources the queued jobs reached their deadlines in the queue.
func TestJobsRunWhileBroadcastWaits(t *testing.T) {
	const blockTime = 200 * time.Millisecond // the chain's pace
	var fetched atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetched.Add(1)
		_, _ = w.Write([]byte(`{"price":"1"}`))
	}))
	defer srv.Close()
	f, pace, codeCID := oneSlotWorker(t, 6, blockTime)
	owner := operatorKey(100)
	for i := 0; i < 3; i++ {
		f.chain.submit(owner, tx.RegisterSourceBody(fmt.Sprintf("s%d", i), &pb.SourceSpec{
			Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: srv.URL + "/{{height}}"}}},
			CodeCid: codeCID, Every: 1, Replicas: 1, GasLimit: 50_000_000, MaxOutputBytes: 65536, MemoryPages: 64,
		}))
		pace()
	}
	entered := make(chan struct{}, 1)
	hold := make(chan struct{})
	f.chain.mu.Lock()
	f.chain.hold, f.chain.entered = hold, entered
	f.chain.mu.Unlock()
	defer close(hold)
	for i := 0; ; i++ {
		if i == 30 {
			t.Fatal("the worker sent no tx in 30 blocks")
		}
		pace()
		select {
		case <-entered:
		default:
			continue
		}
		break
	}
	// A broadcast waits; 3 rounds open each block, one slot runs them.
	before := fetched.Load()
	for i := 0; i < 20 && fetched.Load() < before+3; i++ {
		pace()
	}
	if got := fetched.Load() - before; got < 3 {
		t.Errorf("%d fetches while a broadcast waited in CheckTx, want at least 3", got)
	}
}

// TestJobsRunWhileReadWaits: queued jobs keep starting while the
// worker's read of the chain (the assigned query) waits on its node, as
// it does while the node executes a block. The defect: the loop read in
// line, so no job started until the query answered.
func TestJobsRunWhileReadWaits(t *testing.T) {
	const blockTime = 200 * time.Millisecond // the chain's pace
	var reading atomic.Bool
	fetchedWhileReading := make(chan struct{}, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(40 * time.Millisecond) // an upstream's latency, so jobs queue
		if reading.Load() {
			select {
			case fetchedWhileReading <- struct{}{}:
			default:
			}
		}
		_, _ = w.Write([]byte(`{"price":"1"}`))
	}))
	defer srv.Close()
	f, pace, codeCID := oneSlotWorker(t, 8, blockTime)
	owner := operatorKey(100)
	var regs []*pb.TxBody
	for i := 0; i < 10; i++ {
		regs = append(regs, tx.RegisterSourceBody(fmt.Sprintf("s%d", i), &pb.SourceSpec{
			Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: srv.URL + "/{{height}}"}}},
			CodeCid: codeCID, Every: 1, Replicas: 1, GasLimit: 50_000_000, MaxOutputBytes: 65536, MemoryPages: 64,
		}))
	}
	for _, r := range regs {
		f.chain.submit(owner, r)
		pace()
	}
	pace()
	entered := make(chan struct{}, 1)
	hold := make(chan struct{})
	f.chain.mu.Lock()
	f.chain.holdAssigned, f.chain.enteredAssigned = hold, entered
	f.chain.mu.Unlock()
	defer close(hold)
	for i := 0; ; i++ {
		if i == 10 {
			t.Fatal("the worker read no assigned rounds in 10 blocks")
		}
		pace()
		select {
		case <-entered:
		default:
			continue
		}
		break
	}
	// A read waits; 10 rounds opened at each of the last blocks, and one
	// slot runs them at 40 ms each.
	reading.Store(true)
	deadline := time.After(5 * time.Second)
	for n := 0; n < 3; n++ {
		select {
		case <-fetchedWhileReading:
		case <-deadline:
			t.Fatalf("%d fetches while a read waited, want at least 3", n)
		}
	}
}

// oneSlotWorker starts a worker with one job slot on a memChain whose
// commit and reveal windows are window blocks, stores the echo program
// and returns the fixture, a pace that makes one block after blockTime,
// and the program's CID. The worker stops with the test.
func oneSlotWorker(t *testing.T, window int, blockTime time.Duration) (*fixture, func(), string) {
	t.Helper()
	f := &fixture{t: t, keys: []ed25519.PrivateKey{operatorKey(0)}}
	f.chain = newMemChain(t, f.keys, fmt.Sprintf(`{"commit_window":"%d","reveal_window":"%d","jail_blocks":"20"}`, window, window))
	f.rt = newRuntime(t)
	w := f.newWorker(0, t.TempDir(), FaultNone)
	w.cfg.Concurrency = 1
	w.plan = newPlanner(w.cfg, w.operator)
	t.Cleanup(start(w))
	pace := func() {
		time.Sleep(blockTime) // block production, not synchronisation
		f.chain.block()
	}
	wasm, codeCID := echoCode(t)
	f.chain.submit(operatorKey(100), tx.StoreCodeBody(wasm))
	pace()
	return f, pace, codeCID
}
