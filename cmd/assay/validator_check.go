package main

import (
	"fmt"
	"io"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/runtime/meter"
)

// runValidatorCheck is `assay validator check FILE.wasm`.
func runValidatorCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay validator check", stderr)
	pos, err := cliflag.Interleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: assay validator check FILE.wasm")
		return 2
	}
	info, id, err := authoring.Check(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "assay validator check: %v\n", err)
		return 1
	}
	printCheck(stdout, pos[0], id, info)
	return 0
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
