// Package sandbox runs Assay validator programs: WebAssembly modules checked and
// gas-metered at store time by runtime/meter, executed under wazero with the
// Assay host ABI v1 (docs/abi.md) and a deterministic WASI subset.
//
// A node makes one Runtime, stores each validator program's code once and runs it for
// every job:
//
//	rt, err := sandbox.New(ctx, sandbox.Config{CacheDir: dir})
//	code, err := rt.Store(ctx, wasm)          // check, rewrite, compile
//	res := rt.Run(ctx, code, sandbox.Job{Input: in, GasLimit: 50_000_000})
//	// res.Status, res.Output, res.GasUsed, res.Kind, res.Reason
//
// Every job runs in a fresh instance (its linear memory is a reused,
// zeroed buffer that grows by doubling; see memoryPool). A module that
// exports _initialize is pre-initialized when stored: _initialize runs
// once in a fixed environment and every job starts from the memory and
// globals it left, calling only validate (preinit.go, docs/abi.md). Everything in a Result except an
// UNAVAILABLE status, Log and Wall is a pure function of (code, input,
// params, height, time, source, gas limit, memory pages, max output), under
// the compiler and the interpreter alike.
//
// # Notes
//
//   - The package is named sandbox, not runtime, so it does not shadow the
//     standard library.
//   - A wall-clock timeout only protects the node: it yields UNAVAILABLE,
//     never a verdict.
package sandbox
