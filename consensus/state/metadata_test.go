package state_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// TestSourceMetadata: metadata set at registration is stored and shown
// by the source query; UpdateSource replaces it (and an update without
// metadata removes it); rounds do not copy it; bad metadata is refused
// with CodeInvalid at CheckTx and in a block, naming the problem, and
// changes nothing.
func TestSourceMetadata(t *testing.T) {
	c := newChain(t, 100)
	cc := c.setupSource("plain", 1, 1)
	withMeta := func(m *pb.Metadata) *pb.SourceSpec {
		s := spec(cc, 1, 1)
		s.Metadata = m
		return s
	}
	price := &pb.Metadata{Description: "BTC in USD", MediaType: "application/json",
		Fields: []*pb.Field{{Name: "price", Type: "decimal", Unit: "USD", Decimals: 2}}}
	c.mustOK(c.block(c.sign(c.owner, tx.RegisterSourceBody("btc-usd", withMeta(price)))))

	raw := query[json.RawMessage](t, c.kv, "source/btc-usd")
	want := `"metadata":{"description":"BTC in USD","media_type":"application/json","fields":[{"name":"price","type":"decimal","unit":"USD","decimals":2}]}`
	if !strings.Contains(string(raw), want) {
		t.Fatalf("source view %s\nwant it to hold %s", raw, want)
	}
	if raw := query[json.RawMessage](t, c.kv, "source/plain"); strings.Contains(string(raw), "metadata") {
		t.Fatalf("a source without metadata shows %s", raw)
	}
	c.block() // opens a round of btc-usd
	if r := query[json.RawMessage](t, c.kv, fmt.Sprintf("round/btc-usd/%d", c.height)); strings.Contains(string(r), "metadata") || strings.Contains(string(r), "price") {
		t.Fatalf("the round copied the metadata: %s", r)
	}

	schema := &pb.Metadata{JsonSchema: `{"type":"object","required":["price"]}`}
	c.mustOK(c.block(c.sign(c.owner, tx.UpdateSourceBody("btc-usd", withMeta(schema)))))
	if v := query[state.SourceView](t, c.kv, "source/btc-usd"); v.Metadata == nil || string(v.Metadata.Schema) != schema.JsonSchema || v.Metadata.Fields != nil {
		t.Fatalf("after update: %+v", v.Metadata)
	}
	c.mustOK(c.block(c.sign(c.owner, tx.UpdateSourceBody("btc-usd", withMeta(nil)))))
	if v := query[state.SourceView](t, c.kv, "source/btc-usd"); v.Metadata != nil {
		t.Fatalf("after an update without metadata: %+v", v.Metadata)
	}

	for _, tt := range []struct {
		name string
		m    *pb.Metadata
		want string
	}{
		{"too large", &pb.Metadata{Description: strings.Repeat("a", 1025)}, "description: 1025 bytes, at most 1024"},
		{"bad schema JSON", &pb.Metadata{JsonSchema: `{"type":`}, "json_schema: not valid JSON"},
		{"unknown field type", &pb.Metadata{Fields: []*pb.Field{{Name: "p", Type: "float64"}}}, `field "p": unknown type "float64"`},
		{"decimals out of range", &pb.Metadata{Fields: []*pb.Field{{Name: "p", Type: "integer", Decimals: 40}}}, "decimals 40 out of range 0..36"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := c.sign(c.owner, tx.RegisterSourceBody("bad", withMeta(tt.m)))
			if got := c.m.CheckTx(reg); got.Code != state.CodeInvalid || !strings.Contains(got.Log, tt.want) {
				t.Fatalf("CheckTx: code %d %q, want %d with %q", got.Code, got.Log, state.CodeInvalid, tt.want)
			}
			c.owner.seq-- // CheckTx refused it: the sequence is free again
			upd := c.sign(c.owner, tx.UpdateSourceBody("btc-usd", withMeta(tt.m)))
			res := c.block(upd)
			if got := res.TxResults[0]; got.Code != state.CodeInvalid || !strings.Contains(got.Log, tt.want) {
				t.Fatalf("in a block: code %d %q, want %d with %q", got.Code, got.Log, state.CodeInvalid, tt.want)
			}
			if v := query[state.SourceView](t, c.kv, "source/btc-usd"); v.Metadata != nil {
				t.Fatalf("a refused update changed the metadata: %+v", v.Metadata)
			}
		})
	}
}
