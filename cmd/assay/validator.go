package main

import "io"

// validatorCommands are the sub-commands of `assay validator`. Files add
// theirs from init with registerValidatorCommand.
var validatorCommands []command

func registerValidatorCommand(c command) {
	validatorCommands = append(validatorCommands, c)
}

func init() {
	register(command{
		name:    "validator",
		summary: "author tools: check, run, new, test a Wasm validator",
		run: func(args []string, stdout, stderr io.Writer) int {
			return group("assay validator", commandList(subMap(validatorCommands)))(args, stdout, stderr)
		},
	})
}

func subMap(list []command) map[string]command {
	m := make(map[string]command, len(list))
	for _, c := range list {
		m[c.name] = c
	}
	return m
}
