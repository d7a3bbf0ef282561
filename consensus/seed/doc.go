// Package seed derives the assignment seed of each block from the
// proposer's verifiable random function (docs/protocol.md section 1).
//
// The seed chain starts at Genesis(chain id). Each block H carries, as its
// first tx (EncodeTx), the proposer's ECVRF-EDWARDS25519-SHA512-ELL2 proof
// over Alpha(seed_{H−1}) made with the VRF key the proposer registered at
// genesis; seed_H = Next(seed_{H−1}, output). Since the VRF output is a
// function of the key and the previous seed alone, a proposer cannot steer
// seed_H by choosing its block's contents: it can only propose or not.
//
// The package is pure computation (the state machine calls it).
package seed
