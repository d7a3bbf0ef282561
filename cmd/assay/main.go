// Command assay is the one Assay CLI: node, devnet, testnet, validator
// program tools, txs and queries. Run `assay help` for the list of
// commands. It parses flags and prints; the work is done by the library
// packages (node, consensus/chain, internal/authoring, plugins/builtin,
// internal/devnet, internal/submit, …).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/assaynet/assay/internal/cliflag"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one CLI command or command group.
type command struct {
	name    string
	summary string
	// run executes the command with the arguments after its name and
	// returns the process exit code; nil for a group.
	run func(c *cmd, args []string) int
	// subs are a group's commands (`assay dataset latest`).
	subs []command
}

// exec runs the command, or dispatches to a group's command.
func (cm command) exec(c *cmd, args []string) int {
	if cm.subs != nil {
		return group(c, args, cm.subs)
	}
	return cm.run(c, args)
}

// cmd is a command being run: its full name ("assay keys add"), which
// starts its error lines, its output streams and its flag set.
type cmd struct {
	name           string
	stdout, stderr io.Writer
	// fs is named name and prints errors and usage to stderr.
	fs *flag.FlagSet
}

func newCmd(name string, stdout, stderr io.Writer) *cmd {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &cmd{name: name, stdout: stdout, stderr: stderr, fs: fs}
}

// sub returns the sub-command name of c, with a flag set of its own.
func (c *cmd) sub(name string) *cmd { return newCmd(c.name+" "+name, c.stdout, c.stderr) }

// fail prints "NAME: err" to stderr and returns the exit code.
func (c *cmd) fail(code int, err error) int {
	fmt.Fprintf(c.stderr, "%s: %v\n", c.name, err)
	return code
}

// failf is fail of a formatted message.
func (c *cmd) failf(code int, format string, args ...any) int {
	fmt.Fprintf(c.stderr, "%s: %s\n", c.name, fmt.Sprintf(format, args...))
	return code
}

// warn prints "NAME: w" to stderr.
func (c *cmd) warn(w string) { fmt.Fprintf(c.stderr, "%s: %s\n", c.name, w) }

// usage prints a usage line to stderr and returns 2.
func (c *cmd) usage(line string) int {
	fmt.Fprintln(c.stderr, line)
	return 2
}

// parse parses args, whose flags may follow the positional arguments,
// and reports whether it found exactly nargs of those; if not, it prints
// the usage line.
func (c *cmd) parse(args []string, nargs int, usage string) bool {
	if cliflag.Parse(c.fs, args) != nil || c.fs.NArg() != nargs {
		c.usage(usage)
		return false
	}
	return true
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
	root := newCmd("assay", stdout, stderr)
	if len(args) == 0 || isHelp(args[0]) {
		return help(root, args, commandList(commands))
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "assay: unknown command %q (run 'assay help')\n", args[0])
		return 2
	}
	return c.exec(root.sub(c.name), args[1:])
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

// help prints the command list of c for `PREFIX`, `PREFIX help`, -h or
// --help. `PREFIX help NAME [SUB…]` is that command's help on stdout with
// exit 0: a group's command list, or a command's usage and flags. An
// unknown NAME is a usage error (exit 2).
func help(c *cmd, args []string, list []command) int {
	if len(args) < 2 {
		usage(c.stdout, c.name, list)
		return 0
	}
	for _, s := range list {
		if s.name != args[1] {
			continue
		}
		if len(args) > 2 {
			if s.subs == nil {
				break // a command has no sub-commands
			}
			return group(c.sub(s.name), append([]string{"help"}, args[2:]...), s.subs)
		}
		// A command prints its usage for -h and returns its usage code;
		// asked for, that is the answer, on stdout.
		sc := c.sub(s.name)
		sc.stderr = c.stdout
		sc.fs.SetOutput(c.stdout)
		s.exec(sc, []string{"-h"})
		return 0
	}
	fmt.Fprintf(c.stderr, "%s %s: unknown command %q\nusage: %s help [COMMAND…]\n", c.name, args[0], strings.Join(args[1:], " "), c.name)
	return 2
}

// group dispatches args to one of a group's commands subs, so that
// `assay validator run ...` finds "run" in subs.
func group(c *cmd, args []string, subs []command) int {
	if len(args) == 0 || isHelp(args[0]) {
		return help(c, args, subs)
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.exec(c.sub(s.name), args[1:])
		}
	}
	fmt.Fprintf(c.stderr, "%s: unknown command %q (run '%s help')\n", c.name, args[0], c.name)
	return 2
}
