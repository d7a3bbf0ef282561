package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
)

// runValidatorNew is `assay validator new NAME --lang go|c|rust|as [--dir D] [--sdk PATH]`.
func runValidatorNew(c *cmd, args []string) int {
	lang := c.fs.String("lang", "go", "language: "+strings.Join(authoring.Languages, ", "))
	dir := c.fs.String("dir", "", "directory to create (default ./NAME)")
	sdk := c.fs.String("sdk", "", "Assay checkout to copy the SDK from (default: the SDK built into this binary)")
	pos, err := cliflag.Positionals(c.fs, args)
	if err != nil {
		return cliflag.ExitCode(err)
	}
	if len(pos) != 1 || !authoring.ValidName(pos[0]) {
		return c.usage("usage: assay validator new NAME --lang go|c|rust|as [--dir D] [--sdk PATH] (NAME: lowercase letters, digits, _)")
	}
	if *dir == "" {
		*dir = pos[0]
	}
	files, version, err := authoring.Scaffold(pos[0], *lang, *dir, *sdk)
	if err == nil {
		err = authoring.WriteScaffold(*dir, files)
	}
	if err != nil {
		return c.fail(1, err)
	}
	if version != "" {
		fmt.Fprintf(c.stdout, "SDK %s copied to %s\n", version, filepath.Join(*dir, authoring.SDKDir))
	}
	fmt.Fprintf(c.stdout, "created %s validator %q in %s\nnext:\n  make -C %s\n  assay validator test %s\n", *lang, pos[0], *dir, *dir, *dir)
	return 0
}
