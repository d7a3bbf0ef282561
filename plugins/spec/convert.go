package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/plugins/template"
)

// PB converts s to the chain form: one KeyValue per member of the config
// object, in ascending key order; a string member is stored as its value,
// an object or array member as its compact JSON. A member that FromPB
// would read back differently is refused: a number, true, false or null
// (write it as a string, or inside an object), or a string that is itself
// a JSON object or array (write it as that object or array). PB does not
// check the rules; ValidatePB does.
//
// Example:
//
//	{"url": "https://x/{{height}}", "headers": {"Accept": "text/csv"}}
//
// becomes [headers = {"Accept":"text/csv"}, url = https://x/{{height}}].
func (s FetchSpec) PB() (*pb.FetchSpec, error) {
	dec := json.NewDecoder(bytes.NewReader(s.Config))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: config must be a JSON object", ErrSpec)
	}
	var out []*pb.KeyValue
	seen := map[string]bool{} // membership only, never iterated
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: config: %w", ErrSpec, err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("%w: config: duplicate key %q", ErrSpec, key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: config %q: %w", ErrSpec, key, err)
		}
		v, err := chainValue(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: config %q: %s", ErrSpec, key, err)
		}
		out = append(out, &pb.KeyValue{Key: key, Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: config: %w", ErrSpec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: config: data after the object", ErrSpec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return &pb.FetchSpec{Kind: s.Kind, Config: out}, nil
}

// chainValue returns the chain form of one member's JSON value.
func chainValue(raw json.RawMessage) (string, error) {
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		if readsAsJSON(s) {
			return "", fmt.Errorf("the string %.40q would be read back as JSON; write it as that object or array", s)
		}
		return s, nil
	case '{', '[':
		var c bytes.Buffer
		if err := json.Compact(&c, raw); err != nil {
			return "", err
		}
		return c.String(), nil
	}
	return "", fmt.Errorf("%s would be stored as the string %q; write it as a string, or inside an object", raw, raw)
}

// readsAsJSON reports whether FromPB takes the chain value v as JSON.
func readsAsJSON(v string) bool {
	return len(v) > 0 && (v[0] == '{' || v[0] == '[') && json.Valid([]byte(v))
}

// FromPB converts a chain fetch spec to the JSON form: each KeyValue
// becomes one member of the config object, in stored (sorted) order; a
// value that is a JSON object or array is taken as that JSON, any other
// value as a string. It checks the kind and the resulting config as
// Validate does, but not the size: the chain has checked that against its
// own max_fetch_config_bytes.
func FromPB(f *pb.FetchSpec) (FetchSpec, error) {
	if f == nil {
		return FetchSpec{}, fmt.Errorf("%w: no fetch spec", ErrSpec)
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, kv := range f.Config {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(kv.GetKey()) // a string always marshals
		buf.Write(k)
		buf.WriteByte(':')
		if readsAsJSON(kv.GetValue()) {
			buf.WriteString(kv.GetValue())
			continue
		}
		v, _ := json.Marshal(kv.GetValue())
		buf.Write(v)
	}
	buf.WriteByte('}')
	s := FetchSpec{Kind: f.Kind, Config: buf.Bytes()}
	if err := ValidateKind(s.Kind); err != nil {
		return FetchSpec{}, err
	}
	if err := template.ValidateJSON(s.Config); err != nil {
		return FetchSpec{}, fmt.Errorf("%w: config: %w", ErrSpec, err)
	}
	return s, nil
}
