// Package conformance checks that the store-time rewriter (runtime/meter)
// preserves WebAssembly semantics and that metered modules behave as
// documented. It is test-focused: nothing here is used on a consensus path.
//
// Suites (go test ./runtime/conformance):
//
//   - TestSpec: the WebAssembly spec suite shipped in the wazero module
//     (internal/integration_test/spectest/v1 and v2, .json from wast2json
//     plus .wasm), run by a small command interpreter (RunScript) in which
//     every module passes through meter.Instrument before it is compiled,
//     on the compiler and the interpreter, with the same gas per invoke on
//     both. Modules the checker rejects by design are listed with reasons
//     in spec_test.go; any other rejection or failed assertion fails.
//   - TestCorpus*: the adversarial corpus in runtime/testdata (Corpus),
//     each case with its documented verdict or store-time rejection and
//     golden gas, run through runtime/sandbox on both engines, twice.
//   - FuzzInstrument: any bytes give a clean meter rejection, or a module
//     that wazero refuses before and after the rewrite alike, or one that
//     compiles, terminates under a small gas limit with the same transcript
//     on both engines, and behaves like the unmetered original.
//   - FuzzRewriteSemantics: valid modules from GenModule (loops, br_table,
//     calls, memory, NaN-producing float ops) must match the original,
//     agree across engines and halt exactly at gas limit − 1.
//
// Regenerate the corpus golden file with
// `go test ./runtime/conformance -run 'TestCorpus$' -update`.
package conformance
