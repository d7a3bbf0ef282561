// Command assay is the one Assay CLI: node, devnet, testnet, validator
// program tools, txs and queries. Run `assay help` for the list of
// commands. It parses flags and prints; the work is done by the library
// packages (node, consensus/chain, internal/authoring, plugins/builtin,
// internal/devnet, internal/submit, …).
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one CLI command or command group.
type command struct {
	name    string
	summary string
	// run executes the command with the arguments after its name and
	// returns the process exit code.
	run func(args []string, stdout, stderr io.Writer) int
}

// commands is the top-level command table; each file registers its
// commands from init with register.
var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("assay: duplicate command " + c.name)
	}
	commands[c.name] = c
}

// run dispatches args to a top-level command.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) {
		return help(args, stdout, stderr, "assay", commandList(commands))
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "assay: unknown command %q (run 'assay help')\n", args[0])
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func commandList(m map[string]command) []command {
	list := make([]command, 0, len(m))
	for _, c := range m {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	return list
}

func usage(w io.Writer, prefix string, list []command) {
	fmt.Fprintf(w, "usage: %s <command> [flags]\n\ncommands:\n", prefix)
	for _, c := range list {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
}

func isHelp(arg string) bool { return arg == "help" || arg == "-h" || arg == "--help" }

// help prints the command list of prefix for `PREFIX`, `PREFIX help`,
// -h or --help; anything after the help word is a usage error (exit 2).
func help(args []string, stdout, stderr io.Writer, prefix string, list []command) int {
	if len(args) > 1 {
		fmt.Fprintf(stderr, "%s %s: unexpected argument %q\nusage: %s help\n", prefix, args[0], args[1], prefix)
		return 2
	}
	usage(stdout, prefix, list)
	return 0
}

// group returns a run function that dispatches to sub-commands, so that
// `assay validator run ...` finds "run" in subs.
func group(prefix string, subs []command) func([]string, io.Writer, io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		if len(args) == 0 || isHelp(args[0]) {
			return help(args, stdout, stderr, prefix, subs)
		}
		for _, c := range subs {
			if c.name == args[0] {
				return c.run(args[1:], stdout, stderr)
			}
		}
		fmt.Fprintf(stderr, "%s: unknown command %q (run '%s help')\n", prefix, args[0], prefix)
		return 2
	}
}
