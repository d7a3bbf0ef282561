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
// Three mutable globals are appended and exported (abi.GlobalGas,
// abi.GlobalDepth, abi.GlobalMemLimit). Every defined function takes two
// extra i64 parameters after its own, the gas balance g and the calls left
// before the depth limit r = abi.MaxCallDepth - depth, and returns the
// remaining gas as an extra last result; five scratch locals are appended
// after its declared ones, whose indices move up by two. The body runs
// in a block with the function's results, so branches to the function's
// label, return and the final end all leave g on top. Each defined
// function's type is replaced by an appended extended type; call_indirect
// uses the extended type of its type. Exported functions get wrappers
// with the original type that pass the globals in and store the gas
// result, and the exports point at them; imported functions placed in
// the table get wrappers with the extended type (see expansion). The
// wrappers count against Limits.MaxFunctions.
//
//   - Gas: the code is cut into metered blocks. A block starts at the
//     function entry, a loop header, a non-simple if's arms, after the end
//     of an if or of a block that some branch targets, and after a
//     backward br_if or any unconditional branch. Its cost (see costs.go)
//     is charged inline before it runs, on the local g. Function entries
//     and loop headers charge and check (g -= cost; if g >= 0 {} else
//     {trap}, the hot path falling through); other blocks only subtract.
//     The global is written from g wherever the host or a trap could
//     observe it: at the start of every metered block holding a host
//     call, a call_indirect or an instruction that can trap (load, store,
//     div, rem, trunc, unreachable) — or, when a call to a defined
//     function in the same block comes first, right before that
//     instruction —, at dynamic charges and on the way to a gas trap. A
//     call to a defined function passes g and takes the callee's g back;
//     g is reloaded from the global after a host call. So the global
//     holds the exact balance whenever the host or a trap reads it, and
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
//   - Each call to a defined function passes r - 1; the callee's entry
//     check (one branch: g | r >= 0) traps past abi.MaxCallDepth and,
//     on the way, writes the depth MaxCallDepth - r to assay:depth, by
//     which the host tells stack_limit, so it is identical on every
//     engine. The host calls an export with assay:depth as the depth
//     (0).
//   - The result of every float instruction that can create a NaN is
//     canonicalised to the positive quiet NaN with a zero payload.
//
// # Notes
//
//   - Version names the rewriter and the cost table; both are consensus.
//   - The WebAssembly spec suite runs through the rewriter in
//     runtime/conformance under both wazero engines.
package meter
