package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

func init() {
	registerValidatorCommand(command{
		name:    "check",
		summary: "statically check a Wasm validator and print its report",
		run:     runValidatorCheck,
	})
}

// runValidatorCheck is `assay validator check FILE.wasm`.
func runValidatorCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay validator check", stderr)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: assay validator check FILE.wasm")
		return 2
	}
	wasm, err := readModule(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "assay validator check: %v\n", err)
		return 1
	}
	info, err := meter.Check(wasm, meter.DefaultLimits())
	if err != nil {
		fmt.Fprintf(stderr, "assay validator check: %s: %v\n", pos[0], err)
		return 1
	}
	id, err := pin.SumBytes(wasm)
	if err != nil {
		fmt.Fprintf(stderr, "assay validator check: %v\n", err)
		return 1
	}
	printCheck(stdout, pos[0], id.String(), info)
	return 0
}

// readModule reads a module file, gunzipping it when compressed.
func readModule(path string) ([]byte, error) {
	b, err := readFileLimit(path, maxCodeFileBytes, limitCode)
	if err != nil {
		return nil, err
	}
	return sandbox.Decompress(b, meter.DefaultLimits().MaxModuleBytes)
}

func printCheck(w io.Writer, path, id string, info *meter.Info) {
	fmt.Fprintf(w, "file:        %s\n", path)
	fmt.Fprintf(w, "size:        %d bytes\n", info.Size)
	fmt.Fprintf(w, "code cid:    %s\n", id)
	mem := fmt.Sprintf("min %d pages", info.MemoryMin)
	if info.HasMemoryMax {
		mem += fmt.Sprintf(", max %d", info.MemoryMax)
	}
	fmt.Fprintf(w, "memory:      %s\n", mem)
	fmt.Fprintf(w, "table:       min %d\n", info.TableMin)
	fmt.Fprintf(w, "functions:   %d\n", info.Functions)
	fmt.Fprintf(w, "globals:     %d\n", info.Globals)
	fmt.Fprintf(w, "data:        %d bytes\n", info.DataBytes)
	fmt.Fprintf(w, "max locals:  %d\n", info.MaxLocals)
	fmt.Fprintf(w, "max nesting: %d\n", info.MaxNesting)
	fmt.Fprintf(w, "imports:     %d\n", len(info.Imports))
	for _, im := range info.Imports {
		fmt.Fprintf(w, "  %s %s.%s %s\n", im.Kind, im.Module, im.Name, im.Type)
	}
	fmt.Fprintf(w, "exports:     %d\n", len(info.Exports))
	for _, ex := range info.Exports {
		fmt.Fprintf(w, "  %s %s\n", ex.Kind, ex.Name)
	}
	fmt.Fprintln(w, "check:       ok")
}

// parseInterleaved parses flags that may come before or after the
// positional arguments, which it returns.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for range len(args) + 1 { // each round consumes at least one argument
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" || args[0] == "-" || !strings.HasPrefix(args[0], "-") {
			if args[0] == "--" {
				return append(pos, args[1:]...), nil
			}
			pos = append(pos, args[0])
			args = args[1:]
		}
	}
	return pos, nil
}
