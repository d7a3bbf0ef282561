package sourcefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/assaynet/assay/plugins/spec"
)

// tomlFile is the TOML shape: the fetch config is a table that becomes a
// JSON object (keys sorted).
type tomlFile struct {
	SourceFile
	Fetch struct {
		Kind   string         `toml:"kind"`
		Config map[string]any `toml:"config"`
	} `toml:"fetch"`
	Metadata *tomlMetadata `toml:"metadata"`
}

// tomlMetadata is the TOML shape of spec.Metadata: the schema is a table
// or a string of JSON.
type tomlMetadata struct {
	Description string      `toml:"description"`
	MediaType   string      `toml:"media_type"`
	Schema      any         `toml:"schema"`
	Fields      []tomlField `toml:"fields"`
}

// tomlField is the TOML shape of spec.Field.
type tomlField struct {
	Name        string `toml:"name"`
	Type        string `toml:"type"`
	Unit        string `toml:"unit"`
	Decimals    uint32 `toml:"decimals"`
	Description string `toml:"description"`
}

// metadata converts the TOML shape to the JSON form.
func (tm *tomlMetadata) metadata() (*spec.Metadata, error) {
	if tm == nil {
		return nil, nil
	}
	m := &spec.Metadata{Description: tm.Description, MediaType: tm.MediaType}
	switch s := tm.Schema.(type) {
	case nil:
	case string:
		m.Schema = json.RawMessage(s)
	case map[string]any:
		raw, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("metadata.schema: %w", err)
		}
		m.Schema = raw
	default:
		return nil, fmt.Errorf("metadata.schema: want a table or a string of JSON, got %T", s)
	}
	for _, f := range tm.Fields {
		m.Fields = append(m.Fields, spec.Field(f))
	}
	return m, nil
}

func decodeTOML(data []byte) (*SourceFile, error) {
	var tf tomlFile
	md, err := toml.Decode(string(data), &tf)
	if err != nil {
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, 0, len(und))
		for _, k := range und {
			if len(k) > 2 && (k[0] == "fetch" && k[1] == "config" || k[0] == "metadata" && k[1] == "schema") {
				continue // config and schema are free-form
			}
			keys = append(keys, k.String())
		}
		if len(keys) > 0 {
			return nil, fmt.Errorf("unknown field(s) %s%s", strings.Join(keys, ", "), retiredHint(keys...))
		}
	}
	sf := tf.SourceFile
	sf.Fetch.Kind = tf.Fetch.Kind
	if tf.Fetch.Config != nil {
		raw, err := json.Marshal(tf.Fetch.Config)
		if err != nil {
			return nil, fmt.Errorf("fetch.config: %w", err)
		}
		sf.Fetch.Config = raw
	}
	if sf.Metadata, err = tf.Metadata.metadata(); err != nil {
		return nil, err
	}
	return &sf, nil
}

func decodeJSON(data []byte) (*SourceFile, error) {
	var sf SourceFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sf); err != nil {
		var top map[string]json.RawMessage
		if json.Unmarshal(data, &top) == nil {
			if _, ok := top["retired"]; ok {
				return nil, fmt.Errorf("%w%s", err, retiredHint("retired"))
			}
		}
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the JSON object")
	}
	return &sf, nil
}

// retiredHint explains a "retired" field: retiring is a tx of its own,
// not a field of the source (the chain's source record has one).
func retiredHint(keys ...string) string {
	for _, k := range keys {
		if k == "retired" {
			return " (a source file describes a source; retire one with `assay source retire ID`)"
		}
	}
	return ""
}
