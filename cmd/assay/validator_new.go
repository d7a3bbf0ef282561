package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
)

// runValidatorNew is `assay validator new NAME --lang go|c|rust|as [--dir D] [--sdk PATH]`.
func runValidatorNew(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay validator new", stderr)
	lang := fs.String("lang", "go", "language: "+strings.Join(authoring.Languages, ", "))
	dir := fs.String("dir", "", "directory to create (default ./NAME)")
	sdk := fs.String("sdk", "", "Assay checkout to copy the SDK from (default: the SDK built into this binary)")
	pos, err := cliflag.Positionals(fs, args)
	if err != nil {
		return cliflag.ExitCode(err)
	}
	if len(pos) != 1 || !authoring.ValidName(pos[0]) {
		fmt.Fprintln(stderr, "usage: assay validator new NAME --lang go|c|rust|as [--dir D] [--sdk PATH] (NAME: lowercase letters, digits, _)")
		return 2
	}
	if *dir == "" {
		*dir = pos[0]
	}
	files, version, err := authoring.Scaffold(pos[0], *lang, *dir, *sdk)
	if err != nil {
		fmt.Fprintf(stderr, "assay validator new: %v\n", err)
		return 1
	}
	if err := authoring.WriteScaffold(*dir, files); err != nil {
		fmt.Fprintf(stderr, "assay validator new: %v\n", err)
		return 1
	}
	if version != "" {
		fmt.Fprintf(stdout, "SDK %s copied to %s\n", version, filepath.Join(*dir, authoring.SDKDir))
	}
	fmt.Fprintf(stdout, "created %s validator %q in %s\nnext:\n  make -C %s\n  assay validator test %s\n", *lang, pos[0], *dir, *dir, *dir)
	return 0
}
