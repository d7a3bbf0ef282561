// Package authoring holds the tools a validator program author runs on a
// validator program (the Wasm module; see docs/glossary.md), the logic
// behind `assay validator`, which adds only flags and printing:
//
//   - Check: the static check the chain runs at store time, and the
//     module's CID.
//   - Run: one job in a fresh sandbox, reported as RunReport (the
//     `validator run --json` object).
//   - RunFixtures: a validator program directory's fixtures (built first with
//     make), each twice on the compiler and once on the interpreter.
//   - Scaffold and WriteScaffold: a new Go or C validator program from templates.
//
// # Example
//
//	rep, res, err := authoring.Run("v.wasm", sandbox.EngineCompiler, sandbox.Job{Input: in, GasLimit: 1e9})
//	rows, err := authoring.RunFixtures("./myvalidator", authoring.FixtureOptions{Fixtures: "testdata"}, os.Stderr)
package authoring
