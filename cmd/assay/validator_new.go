package main

import (
	"fmt"
	"io"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
)

// runValidatorNew is `assay validator new NAME --lang go|c [--dir D] [--sdk PATH]`.
func runValidatorNew(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay validator new", stderr)
	lang := fs.String("lang", "go", "language: go or c")
	dir := fs.String("dir", "", "directory to create (default ./NAME)")
	sdk := fs.String("sdk", "", "local Assay checkout for the Go module's replace directive (default: found from the current directory)")
	pos, err := cliflag.Positionals(fs, args)
	if err != nil {
		return cliflag.ExitCode(err)
	}
	if len(pos) != 1 || !authoring.ValidName(pos[0]) {
		fmt.Fprintln(stderr, "usage: assay validator new NAME --lang go|c [--dir D] (NAME: lowercase letters, digits, _)")
		return 2
	}
	if *dir == "" {
		*dir = pos[0]
	}
	files, sdkDir, err := authoring.Scaffold(pos[0], *lang, *dir, *sdk)
	if err != nil {
		fmt.Fprintf(stderr, "assay validator new: %v\n", err)
		return 1
	}
	if err := authoring.WriteScaffold(*dir, files); err != nil {
		fmt.Fprintf(stderr, "assay validator new: %v\n", err)
		return 1
	}
	if *lang == "go" && sdkDir == "" {
		fmt.Fprintf(stderr, "warning: no Assay checkout found: go.mod has no replace directive; pass --sdk PATH to use a local checkout\n")
	}
	fmt.Fprintf(stdout, "created %s validator %q in %s\nnext:\n  make -C %s\n  assay validator test %s\n", *lang, pos[0], *dir, *dir, *dir)
	return 0
}
