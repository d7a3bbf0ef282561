package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

const (
	nanCanonical  = "nan:canonical"
	nanArithmetic = "nan:arithmetic"
)

// scalar returns the JSON value of v as a string (v128 values are arrays).
func (v Value) scalar() (string, error) {
	var s string
	if err := json.Unmarshal(v.Value, &s); err != nil {
		return "", fmt.Errorf("conformance: %s value %s is not a scalar", v.Type, v.Value)
	}
	return s, nil
}

// Encode returns v as the uint64 wazero passes for its type.
func (v Value) Encode() (uint64, error) {
	s, err := v.scalar()
	if err != nil {
		return 0, err
	}
	switch v.Type {
	case "i32", "f32":
		n, err := strconv.ParseUint(s, 10, 32)
		return n, wrapParse(v, err)
	case "i64", "f64":
		n, err := strconv.ParseUint(s, 10, 64)
		return n, wrapParse(v, err)
	case "externref", "funcref":
		if s == "null" {
			return 0, nil
		}
		n, err := strconv.ParseUint(s, 10, 63)
		return n + 1, wrapParse(v, err) // non-null refs are never 0
	}
	return 0, fmt.Errorf("conformance: unsupported value type %q", v.Type)
}

func wrapParse(v Value, err error) error {
	if err != nil {
		return fmt.Errorf("conformance: parse %s %s: %w", v.Type, v.Value, err)
	}
	return nil
}

// Match reports whether the raw result got satisfies the expectation v,
// including nan:canonical and nan:arithmetic for floats.
func (v Value) Match(got uint64) (bool, error) {
	s, err := v.scalar()
	if err != nil {
		return false, err
	}
	switch {
	case v.Type == "f32" && (s == nanCanonical || s == nanArithmetic):
		return matchNaN32(uint32(got), s == nanCanonical), nil
	case v.Type == "f64" && (s == nanCanonical || s == nanArithmetic):
		return matchNaN64(got, s == nanCanonical), nil
	}
	want, err := v.Encode()
	if err != nil {
		return false, err
	}
	switch v.Type {
	case "i32", "f32":
		return uint32(got) == uint32(want), nil
	}
	return got == want, nil
}

func matchNaN32(b uint32, canonical bool) bool {
	if !math.IsNaN(float64(math.Float32frombits(b))) {
		return false
	}
	if canonical {
		return b&0x7fffffff == 0x7fc00000
	}
	return b&0x00400000 != 0
}

func matchNaN64(b uint64, canonical bool) bool {
	if !math.IsNaN(math.Float64frombits(b)) {
		return false
	}
	if canonical {
		return b&0x7fffffffffffffff == 0x7ff8000000000000
	}
	return b&0x0008000000000000 != 0
}
