package worker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/plugins"
)

// FetchSpecOf converts a chain fetch spec to the plugins form. Each
// KeyValue becomes one member of the config object: a value that is a
// JSON object or array is taken as that JSON, any other value as a
// string. KeyValues are written in their stored (sorted) order.
func FetchSpecOf(f *pb.FetchSpec) (plugins.FetchSpec, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, kv := range f.GetConfig() {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(kv.GetKey())
		buf.Write(k)
		buf.WriteByte(':')
		v := []byte(kv.GetValue())
		if len(v) > 0 && (v[0] == '{' || v[0] == '[') && json.Valid(v) {
			buf.Write(v)
			continue
		}
		s, _ := json.Marshal(kv.GetValue())
		buf.Write(s)
	}
	buf.WriteByte('}')
	spec := plugins.FetchSpec{Kind: f.GetKind(), Config: buf.Bytes()}
	if err := spec.Validate(); err != nil {
		return plugins.FetchSpec{}, fmt.Errorf("worker: fetch spec: %w", err)
	}
	return spec, nil
}

// ConfigOf is the inverse of FetchSpecOf for a JSON config object: one
// KeyValue per member in ascending key order, strings by their value and
// everything else by its compact JSON.
func ConfigOf(config json.RawMessage) ([]*pb.KeyValue, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(config, &m); err != nil {
		return nil, fmt.Errorf("worker: fetch config must be a JSON object: %w", err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*pb.KeyValue, 0, len(keys))
	for _, k := range keys {
		raw := m[k]
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			out = append(out, &pb.KeyValue{Key: k, Value: s})
			continue
		}
		var c bytes.Buffer
		if err := json.Compact(&c, raw); err != nil {
			return nil, fmt.Errorf("worker: fetch config %q: %w", k, err)
		}
		out = append(out, &pb.KeyValue{Key: k, Value: c.String()})
	}
	return out, nil
}
