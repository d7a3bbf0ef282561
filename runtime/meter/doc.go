// Package meter is Assay's store-time gate for validator program code: it decodes
// an untrusted WebAssembly module with its own bounded decoder, checks it
// against the validator ABI v1 rules and the static limits, and rewrites
// it once so that running it is metered and deterministic.
//
//	out, info, err := meter.Instrument(wasm, meter.DefaultLimits())
//	// err is a *meter.Error matching ErrMalformed, ErrInvalid, ErrLimit,
//	// ErrForbidden, ErrImport or ErrExport, e.g.
//	// "function 12: 70000 locals exceeds limit 1024".
//
// # The rewrite
//
// Nothing is shifted: three mutable globals are appended and exported
// (abi.GlobalGas, abi.GlobalDepth, abi.GlobalMemLimit) and seven locals
// are appended to every function: five scratch locals, the gas balance g
// and the call depth d at entry. A prologue loads g and d from their
// globals.
//
//   - Gas: the code is cut into metered blocks. A block starts at the
//     function entry, a loop header, a non-simple if's arms, after the end
//     of an if or of a block that some branch targets, and after a
//     backward br_if or any unconditional branch. Its cost (see costs.go)
//     is charged inline before it runs, on the local g. Function entries
//     and loop headers charge and check (g -= cost; if g >= 0 {} else
//     {trap}, the hot path falling through); other blocks only subtract.
//     The global is written from g wherever it could be observed: at the
//     start of every metered block holding a call, an instruction that
//     can trap (load, store, div, rem, trunc, unreachable), a return or a
//     branch out of the function, at dynamic charges and on the way to a
//     gas trap; g is reloaded after every call. So the global holds the
//     exact balance whenever the host, a callee or a trap reads it, and
//     the charges and trap points are those of charging the global
//     directly (version 1). Every cycle passes a check, host functions check
//     before working, and the host reports a run that ends with negative
//     gas as out_of_gas, so a job runs out of gas exactly when its charges
//     pass the limit. An if whose arms hold no control flow is charged up
//     front as 2 + its dearer arm. Code after an unconditional branch is
//     dead and not charged. A function that opens with a loop carries its
//     entry cost on the loop's first block.
//   - memory.grow charges costPerPage per page asked for and traps with
//     abi.MemLimitHit in assay:mem_limit if the memory would pass the
//     job's limit while staying within the declared maximum (beyond that,
//     it returns -1 as the spec says). memory.fill/copy/init charge one gas
//     per 8 bytes, computed in 64 bits before the operation.
//   - Each call to a defined function sets assay:depth to d + 1 before
//     and back to d after; the callee's entry check (one branch:
//     g | (MaxCallDepth - d) >= 0) traps past abi.MaxCallDepth, so
//     stack_limit is identical on every engine.
//   - The result of every float instruction that can create a NaN is
//     canonicalised to the positive quiet NaN with a zero payload.
//
// # Notes
//
//   - Version names the rewriter and the cost table; both are consensus.
//   - The WebAssembly spec suite runs through the rewriter in
//     runtime/conformance under both wazero engines.
package meter
