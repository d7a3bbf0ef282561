package sourcefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
)

// tomlFile is the TOML shape: the fetch config is a table that becomes a
// JSON object (keys sorted).
type tomlFile struct {
	SourceFile
	Fetch struct {
		Kind   string         `toml:"kind"`
		Config map[string]any `toml:"config"`
	} `toml:"fetch"`
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
			if len(k) > 2 && k[0] == "fetch" && k[1] == "config" {
				continue // config is free-form
			}
			keys = append(keys, k.String())
		}
		if len(keys) > 0 {
			return nil, fmt.Errorf("unknown field(s) %s", strings.Join(keys, ", "))
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
	return &sf, nil
}

func decodeJSON(data []byte) (*SourceFile, error) {
	var sf SourceFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sf); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the JSON object")
	}
	return &sf, nil
}
