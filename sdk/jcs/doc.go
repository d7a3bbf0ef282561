// Package jcs parses JSON strictly and writes it in the JSON
// Canonicalization Scheme of RFC 8785, for validator programs whose output must be
// byte-identical on every node.
//
// Parse accepts I-JSON (RFC 7493): UTF-8 only, no duplicate member names,
// no lone surrogates, numbers that fit an IEEE-754 double. It bounds nesting
// depth (Wasm call depth is capped by the sandbox) and input size, and it
// keeps object members in input order so a validator program can report the first
// problem deterministically.
//
//	v, err := jcs.Parse(data, jcs.DefaultLimits())
//	if err != nil {
//		return assay.Reject("input: %v", err)
//	}
//	out := jcs.Append(nil, v) // RFC 8785 bytes
//
// The package has no build tags and no dependencies beyond the standard
// library; it runs the same natively and under GOOS=wasip1.
package jcs
