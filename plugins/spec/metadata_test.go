package spec

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
)

// TestValidateMetadataPB: the chain's metadata rule, one row per limit
// and per kind of bad input, each at and just past its cap.
func TestValidateMetadataPB(t *testing.T) {
	field := func(name, typ, unit string, decimals uint32) *pb.Field {
		return &pb.Field{Name: name, Type: typ, Unit: unit, Decimals: decimals}
	}
	fields := func(n int) []*pb.Field {
		fs := make([]*pb.Field, n)
		for i := range fs {
			fs[i] = field("f"+strings.Repeat("x", i), "string", "", 0)
		}
		return fs
	}
	schemaOf := func(n int) string { // compact, exactly n bytes
		return `{"description":"` + strings.Repeat("a", n-len(`{"description":""}`)) + `"}`
	}
	deep := func(d int) string { return strings.Repeat(`{"a":`, d) + "1" + strings.Repeat("}", d) }
	tests := []struct {
		name string
		m    *pb.Metadata
		want string // "" = valid, else a substring of the error
	}{
		{"none", nil, ""},
		{"description only", &pb.Metadata{Description: "BTC in USD.\nMedian of three.\t"}, ""},
		{"price feed", &pb.Metadata{MediaType: "application/json", Fields: []*pb.Field{
			field("price", "decimal", "USD", 2), field("ts", "timestamp", "", 0), field("volume", "integer", "satoshi", 8)}}, ""},
		{"schema", &pb.Metadata{JsonSchema: `{"type":"object","properties":{"price":{"type":"string"}}}`}, ""},
		{"empty", &pb.Metadata{}, "empty"},
		{"description at cap", &pb.Metadata{Description: strings.Repeat("é", MaxDescriptionBytes/2)}, ""},
		{"description over cap", &pb.Metadata{Description: strings.Repeat("a", MaxDescriptionBytes+1)}, "description: 1025 bytes"},
		{"escape in description", &pb.Metadata{Description: "a\x1b[2Jb"}, "control character U+001B"},
		{"C1 control", &pb.Metadata{Description: "a\u0085"}, "control character U+0085"},
		{"bidi override", &pb.Metadata{Description: "a\u202eb"}, "bidirectional override"},
		{"invalid UTF-8", &pb.Metadata{Description: "a\xffb"}, "invalid UTF-8 at byte 1"},
		{"media type params", &pb.Metadata{MediaType: "text/csv; header=present;charset=utf-8"}, ""},
		{"vendor media type", &pb.Metadata{MediaType: "application/vnd.assay.price+json"}, ""},
		{"upper-case media type", &pb.Metadata{MediaType: "Application/JSON"}, "media_type"},
		{"media type without subtype", &pb.Metadata{MediaType: "json"}, "want type/subtype"},
		{"media type empty subtype", &pb.Metadata{MediaType: "text/"}, "want type/subtype"},
		{"media type bad param", &pb.Metadata{MediaType: "text/csv; header"}, "parameters"},
		{"media type quoted param", &pb.Metadata{MediaType: `text/csv; a="b"`}, "parameters"},
		{"media type too long", &pb.Metadata{MediaType: "a/" + strings.Repeat("b", MaxMediaTypeBytes)}, "longer than 255"},
		{"schema at cap", &pb.Metadata{JsonSchema: schemaOf(MaxSchemaBytes)}, ""},
		{"schema over cap", &pb.Metadata{JsonSchema: schemaOf(MaxSchemaBytes + 1)}, "8193 bytes"},
		{"schema not JSON", &pb.Metadata{JsonSchema: `{"type":`}, "not valid JSON"},
		{"schema not an object", &pb.Metadata{JsonSchema: `["a"]`}, "must be a JSON object"},
		{"schema not compact", &pb.Metadata{JsonSchema: `{"type": "object"}`}, "not compact"},
		{"schema duplicate key", &pb.Metadata{JsonSchema: `{"a":{"b":1,"b":2}}`}, `duplicate key "b"`},
		{"schema at depth cap", &pb.Metadata{JsonSchema: deep(MaxSchemaDepth)}, ""},
		{"schema too deep", &pb.Metadata{JsonSchema: deep(MaxSchemaDepth + 1)}, "nested deeper than 32"},
		{"schema and fields", &pb.Metadata{JsonSchema: `{}`, Fields: fields(1)}, "not both"},
		{"fields at cap", &pb.Metadata{Fields: fields(MaxFields)}, ""},
		{"too many fields", &pb.Metadata{Fields: fields(MaxFields + 1)}, "65 fields"},
		{"unknown type", &pb.Metadata{Fields: []*pb.Field{field("p", "float", "", 0)}}, `unknown type "float"`},
		{"missing type", &pb.Metadata{Fields: []*pb.Field{field("p", "", "", 0)}}, "unknown type"},
		{"decimals at cap", &pb.Metadata{Fields: []*pb.Field{field("p", "integer", "", MaxDecimals)}}, ""},
		{"decimals out of range", &pb.Metadata{Fields: []*pb.Field{field("p", "decimal", "", MaxDecimals+1)}}, "decimals 37 out of range 0..36"},
		{"decimals on a string", &pb.Metadata{Fields: []*pb.Field{field("p", "string", "", 2)}}, "only for types integer, decimal and number"},
		{"dotted name", &pb.Metadata{Fields: []*pb.Field{field("data.price_usd", "number", "USD", 0)}}, ""},
		{"empty name", &pb.Metadata{Fields: []*pb.Field{field("", "string", "", 0)}}, "field 0: name"},
		{"name with a space", &pb.Metadata{Fields: []*pb.Field{field("a b", "string", "", 0)}}, "field 0: name"},
		{"duplicate name", &pb.Metadata{Fields: []*pb.Field{field("p", "string", "", 0), field("p", "number", "", 0)}}, `field 1: duplicate name "p"`},
		{"unit over cap", &pb.Metadata{Fields: []*pb.Field{field("p", "number", strings.Repeat("u", MaxUnitBytes+1), 0)}}, "unit: 33 bytes"},
		{"newline in unit", &pb.Metadata{Fields: []*pb.Field{field("p", "number", "a\nb", 0)}}, "unit: control character"},
		{"field description over cap", &pb.Metadata{Fields: []*pb.Field{{Name: "p", Type: "number", Description: strings.Repeat("d", MaxFieldDescriptionBytes+1)}}}, "description: 257 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateMetadataPB(tt.m)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			case err != nil && !errors.Is(err, ErrMetadata):
				t.Fatalf("error %v does not wrap ErrMetadata", err)
			}
		})
	}
}

// TestMetadataConversion: the JSON form converts to the chain form with
// a compact schema, and back unchanged; nil stays nil.
func TestMetadataConversion(t *testing.T) {
	m := &Metadata{Description: "d", MediaType: "application/json", Schema: json.RawMessage("{\n  \"type\": \"object\"\n}")}
	p, err := m.PB()
	if err != nil || p.JsonSchema != `{"type":"object"}` {
		t.Fatalf("PB: %v, %v", p, err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	back, _ := json.Marshal(MetadataFromPB(p))
	if want := `{"description":"d","media_type":"application/json","schema":{"type":"object"}}`; string(back) != want {
		t.Fatalf("FromPB: %s, want %s", back, want)
	}
	f := &Metadata{Fields: []Field{{Name: "price", Type: "decimal", Unit: "USD", Decimals: 2}}}
	pf, _ := f.PB()
	if got := MetadataFromPB(pf); len(got.Fields) != 1 || got.Fields[0] != f.Fields[0] {
		t.Fatalf("fields round trip: %+v", got)
	}
	if p, err := (*Metadata)(nil).PB(); p != nil || err != nil || MetadataFromPB(nil) != nil {
		t.Fatal("nil metadata must convert to nil")
	}
	if _, err := (&Metadata{Schema: json.RawMessage(`{"a":`)}).PB(); !errors.Is(err, ErrMetadata) {
		t.Fatalf("bad schema JSON: %v", err)
	}
}

// FuzzMetadata: ValidateMetadataPB never panics, and whatever it accepts
// survives the tx encoding and both conversions unchanged and is
// accepted again.
func FuzzMetadata(f *testing.F) {
	f.Add("BTC in USD", "application/json", `{"type":"object"}`, "price", "decimal", "USD", uint32(2))
	f.Add("", "text/csv; header=present", "", "a.b", "integer", "sat", uint32(8))
	f.Add("\x1b", "a/b;c=d", `{"a":{"a":1,"a":2}}`, "", "float", "", uint32(99))
	f.Add("x", "", `{"n":1e400,"s":"\u00e9"}`, "n", "number", "", uint32(0))
	f.Fuzz(func(t *testing.T, desc, media, schema, name, typ, unit string, decimals uint32) {
		m := &pb.Metadata{Description: desc, MediaType: media, JsonSchema: schema}
		if name != "" || typ != "" {
			m.Fields = []*pb.Field{{Name: name, Type: typ, Unit: unit, Decimals: decimals}}
		}
		if ValidateMetadataPB(m) != nil {
			return
		}
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatalf("accepted metadata does not marshal: %v", err)
		}
		var dec pb.Metadata
		if err := proto.Unmarshal(b, &dec); err != nil || !proto.Equal(&dec, m) {
			t.Fatalf("tx encoding round trip: %v", err)
		}
		again, err := MetadataFromPB(m).PB()
		if err != nil || !proto.Equal(again, m) {
			t.Fatalf("JSON form round trip of %v: %v, %v", m, again, err)
		}
		if err := ValidateMetadataPB(again); err != nil {
			t.Fatalf("accepted, then refused after a round trip: %v", err)
		}
	})
}
