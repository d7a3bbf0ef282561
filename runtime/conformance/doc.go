// Package conformance checks that the store-time rewriter (runtime/meter)
// preserves WebAssembly semantics and that metered modules behave as
// documented.
//
// It holds three test suites and the helpers they share:
//
//   - the WebAssembly spec test suite shipped in the wazero module
//     (internal/integration_test/spectest/v1 and v2, .json from wast2json
//     plus .wasm), run with a small command interpreter (RunScript) in which
//     every module passes through meter.Instrument before it is compiled;
//   - the adversarial corpus in runtime/testdata (Corpus), each case with
//     its documented verdict or store-time rejection and golden gas;
//   - FuzzInstrument: any bytes give a clean rejection or a module that
//     wazero compiles and that terminates under a small gas limit.
//
// The helpers live in non-test files so other packages' tests (and the
// CLI's conformance checks) can reuse them; nothing here is used on a
// consensus path.
package conformance
