package conformance

import (
	"encoding/json"
	"fmt"
	"os"
)

// Script is one spec test file as wast2json writes it.
type Script struct {
	SourceFilename string    `json:"source_filename"`
	Commands       []Command `json:"commands"`
}

// Command is one line of a spec script. Only the fields its Type uses are set.
type Command struct {
	Type       string  `json:"type"`
	Line       int     `json:"line"`
	Name       string  `json:"name"`
	As         string  `json:"as"`
	Filename   string  `json:"filename"`
	Text       string  `json:"text"`
	ModuleType string  `json:"module_type"`
	Action     *Action `json:"action"`
	Expected   []Value `json:"expected"`
}

// Action is an invoke of an exported function or a get of an exported global.
type Action struct {
	Type   string  `json:"type"`
	Module string  `json:"module"`
	Field  string  `json:"field"`
	Args   []Value `json:"args"`
}

// Value is a typed argument or expected result. Value is a decimal bit
// pattern, "nan:canonical" or "nan:arithmetic"; v128 values hold lanes.
type Value struct {
	Type     string          `json:"type"`
	LaneType string          `json:"lane_type"`
	Value    json.RawMessage `json:"value"`
}

// LoadScript reads a wast2json .json file.
func LoadScript(path string) (*Script, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("conformance: read script: %w", err)
	}
	var s Script
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("conformance: decode script %s: %w", path, err)
	}
	return &s, nil
}

// registrations maps the index of each module command to the name a later
// register command gives it. wazero cannot alias an instance after the
// fact, so the runner instantiates a module directly under the name it
// will be registered as.
func registrations(cmds []Command) map[int]string {
	out := map[int]string{}
	last := -1
	named := map[string]int{}
	for i, c := range cmds {
		switch c.Type {
		case "module":
			last = i
			if c.Name != "" {
				named[c.Name] = i
			}
		case "register":
			idx := last
			if c.Name != "" {
				idx = named[c.Name]
			}
			if idx >= 0 {
				out[idx] = c.As
			}
		}
	}
	return out
}
