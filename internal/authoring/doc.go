// Package authoring holds the tools a validator program author runs on a
// validator program (the Wasm module; see docs/glossary.md), the logic
// behind `assay validator`, which adds only flags and printing:
//
//   - Check: the static check the chain runs at store time, and the
//     module's CID (WriteCheck prints its report).
//   - Run: one job in a fresh sandbox, reported as RunReport (the
//     `validator run --json` object; WriteText is its text form).
//     RunOptions.Job builds the job from the files and text that
//     `validator run` takes.
//   - RunFixtures: a validator program directory's fixtures (built first with
//     make), each twice on the compiler and once on the interpreter
//     (WriteFixtureTable prints the rows).
//   - UpdateFixtures: `validator test --update`, the expected outputs of
//     fixtures that have none or stale ones, written from a run.
//   - Simulate: one round of a source file without a chain (`assay
//     source simulate`): the node's fetch, then the chain's round job.
//   - Scaffold and WriteScaffold: a new Go or C validator program from templates.
//
// # Example
//
//	rep, res, err := authoring.Run("v.wasm", sandbox.EngineCompiler, sandbox.Job{Input: in, GasLimit: 1e9})
//	rows, err := authoring.RunFixtures("./myvalidator", authoring.FixtureOptions{Fixtures: "testdata"}, os.Stderr)
package authoring
