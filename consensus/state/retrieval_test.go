package state_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

const peerAddr = "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo"

// TestAnnounceRetrieval checks the AnnounceRetrieval tx: who may send it,
// what it stores, and every stateless check with its result code.
func TestAnnounceRetrieval(t *testing.T) {
	c := newChain(t, 100, 100)
	v := c.vals[0]
	long := "http://" + strings.Repeat("a", state.MaxGatewayURLLen) + ".example"
	many := make([]string, state.MaxMultiaddrs+1)
	for i := range many {
		many[i] = peerAddr + strings.Repeat("x", i)
	}
	cases := []struct {
		name    string
		signer  *account
		gateway string
		addrs   []string
		code    state.Code
	}{
		{"ok", v, "http://127.0.0.1:26659", []string{peerAddr}, state.CodeOK},
		{"withdraw", v, "", nil, state.CodeOK},
		{"not a validator", c.owner, "http://127.0.0.1:26659", nil, state.CodeUnauthorized},
		{"gateway scheme", v, "ftp://127.0.0.1", nil, state.CodeInvalid},
		{"gateway query", v, "http://127.0.0.1/?x=1", nil, state.CodeInvalid},
		{"gateway user", v, "http://u:p@127.0.0.1", nil, state.CodeInvalid},
		{"gateway no host", v, "http:///ipfs", nil, state.CodeInvalid},
		{"gateway too long", v, long, nil, state.CodeInvalid},
		{"gateway space", v, "http://a b", nil, state.CodeInvalid},
		{"multiaddr no peer", v, "", []string{"/ip4/127.0.0.1/tcp/4001"}, state.CodeInvalid},
		{"multiaddr relative", v, "", []string{"ip4/127.0.0.1/p2p/x"}, state.CodeInvalid},
		{"multiaddr empty", v, "", []string{""}, state.CodeInvalid},
		{"multiaddr repeated", v, "", []string{peerAddr, peerAddr}, state.CodeInvalid},
		{"too many multiaddrs", v, "", many, state.CodeInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := c.block(c.sign(tc.signer, tx.AnnounceRetrievalBody(tc.gateway, tc.addrs)))
			if got := res.TxResults[0].Code; got != tc.code {
				t.Fatalf("code %d (%s), want %d", got, res.TxResults[0].Log, tc.code)
			}
			if tc.code == state.CodeInvalid {
				tc.signer.seq-- // a tx failing its stateless checks uses no sequence
			}
		})
	}
	// the last accepted announcement is the withdrawal; announce again
	c.mustOK(c.block(c.sign(v, tx.AnnounceRetrievalBody("https://gw.example/x", []string{peerAddr}))))
	got := query[state.RetrievalView](t, c.kv, state.PathRetrieval(v.addr))
	if got.Gateway != "https://gw.example/x" || len(got.Multiaddrs) != 1 || got.Multiaddrs[0] != peerAddr || got.Height != c.height {
		t.Fatalf("record %+v at height %d", got, c.height)
	}
	all := query[[]state.RetrievalView](t, c.kv, state.PathRetrievals)
	if len(all) != 1 || all[0].Operator != got.Operator {
		t.Fatalf("retrievals %+v", all)
	}
	if _, err := state.Query(c.kv, state.PathRetrieval(c.vals[1].addr)); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("unannounced operator: %v, want ErrNotFound", err)
	}
}
