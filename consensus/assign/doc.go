// Package assign is the exact assignment algorithm of the Assay chain
// (docs/protocol.md section 1): which validators must validate which due source
// at a block. Anyone can recompute it from the block's seed (the VRF seed
// chain of consensus/seed), the validator stakes and the source ids; docs/protocol.md explains it step by step and
// consensus/testdata/assignment_vectors.json holds golden vectors.
//
// # Example
//
//	pool, err := assign.NewPool(validators) // stake > 0, not jailed
//	// seed: the block's seed (state round records and block events show it)
//	picked := pool.Pick(seed, "weather.eu", 3, nil) // indices into pool.Members()
//
// The package is pure: no I/O, no clock, no maps, no floats.
package assign
