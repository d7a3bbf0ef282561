package main

// The sub-commands of `assay validator`, in the order `assay validator
// help` lists them: one file each (validator_*.go).
func init() {
	register(command{name: "validator", summary: "author tools: check, run, new, test a Wasm validator", run: group([]command{
		{name: "check", summary: "statically check a Wasm validator and print its report", run: runValidatorCheck},
		{name: "new", summary: "scaffold a validator program (Go, C, Rust or AssemblyScript) with fixtures and a Makefile", run: runValidatorNew},
		{name: "run", summary: "run a Wasm validator on an input and print the verdict", run: runValidatorRun},
		{name: "test", summary: "run a validator's fixtures (twice and under the interpreter) with a gas report", run: runValidatorTest},
	})})
}
