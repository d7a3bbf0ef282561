package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	csdk "github.com/assaynet/assay/sdk/c"
)

func init() {
	registerValidatorCommand(command{
		name:    "new",
		summary: "scaffold a validator (Go or C) with a fixture and a Makefile",
		run:     runValidatorNew,
	})
}

// assayModule is the module path the Go scaffold imports the SDK from.
const assayModule = "github.com/assaynet/assay"

var validatorName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// scaffold is what the templates see.
type scaffold struct {
	Name   string
	SDKDir string // local Assay checkout for the go.mod replace; "" = none
	InTree bool   // the directory is inside the Assay module: no go.mod
}

// runValidatorNew is `assay validator new NAME --lang go|c [--dir D] [--sdk PATH]`.
func runValidatorNew(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay validator new", stderr)
	lang := fs.String("lang", "go", "language: go or c")
	dir := fs.String("dir", "", "directory to create (default ./NAME)")
	sdk := fs.String("sdk", "", "local Assay checkout for the Go module's replace directive (default: found from the current directory)")
	pos, err := flagsAndArgs(fs, args)
	if err != nil {
		return flagErrExit(err)
	}
	if len(pos) != 1 || !validatorName.MatchString(pos[0]) {
		fmt.Fprintln(stderr, "usage: assay validator new NAME --lang go|c [--dir D] (NAME: lowercase letters, digits, _)")
		return 2
	}
	s := scaffold{Name: pos[0]}
	if *dir == "" {
		*dir = s.Name
	}
	files, err := scaffoldFiles(&s, *lang, *dir, *sdk)
	if err != nil {
		fmt.Fprintf(stderr, "assay validator new: %v\n", err)
		return 1
	}
	if err := writeScaffold(*dir, files); err != nil {
		fmt.Fprintf(stderr, "assay validator new: %v\n", err)
		return 1
	}
	if *lang == "go" && s.SDKDir == "" {
		fmt.Fprintf(stderr, "warning: no Assay checkout found: go.mod has no replace directive; pass --sdk PATH to use a local checkout\n")
	}
	fmt.Fprintf(stdout, "created %s validator %q in %s\nnext:\n  make -C %s\n  assay validator test %s\n", *lang, s.Name, *dir, *dir, *dir)
	return 0
}

// scaffoldFiles renders the files of one language.
func scaffoldFiles(s *scaffold, lang, dir, sdk string) (map[string]string, error) {
	var tmpl map[string]string
	switch lang {
	case "go":
		root, inTree, err := locateSDK(dir, sdk)
		if err != nil {
			return nil, err
		}
		s.SDKDir, s.InTree = root, inTree
		tmpl = goScaffold
	case "c":
		tmpl = cScaffold
	default:
		return nil, fmt.Errorf("unknown language %q (want go or c)", lang)
	}
	files := make(map[string]string, len(tmpl)+1)
	for name, text := range tmpl {
		if name == "go.mod" && s.InTree {
			continue
		}
		var b strings.Builder
		t := template.Must(template.New(name).Delims("[[", "]]").Parse(text))
		if err := t.Execute(&b, s); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		files[strings.ReplaceAll(name, "NAME", s.Name)] = b.String()
	}
	if lang == "c" {
		files["assay.h"] = string(csdk.Header)
	}
	return files, nil
}

// locateSDK finds the Assay checkout: the --sdk flag, or the module root
// above dir (then the scaffold joins that module) or above the working
// directory. Without one the go.mod has no replace directive.
func locateSDK(dir, flagSDK string) (string, bool, error) {
	if flagSDK != "" {
		abs, err := filepath.Abs(flagSDK)
		if err != nil {
			return "", false, err
		}
		if !isAssayRoot(abs) {
			return "", false, fmt.Errorf("--sdk %s: no go.mod of %s there", flagSDK, assayModule)
		}
		return abs, false, nil
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", false, err
	}
	if root := assayRootAbove(absDir); root != "" {
		return root, true, nil
	}
	wd, _ := os.Getwd()
	return assayRootAbove(wd), false, nil
}

func assayRootAbove(dir string) string {
	for i := 0; i < 64; i++ {
		if isAssayRoot(dir) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

func isAssayRoot(dir string) bool {
	b, err := readFileLimit(filepath.Join(dir, "go.mod"), maxGoModFileBytes, "a go.mod")
	return err == nil && strings.HasPrefix(string(b), "module "+assayModule+"\n")
}

// writeScaffold creates dir (which must not exist or be empty) and files.
func writeScaffold(dir string, files map[string]string) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s exists and is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// flagsAndArgs parses flags placed before, between or after positional
// arguments and returns the positional ones.
func flagsAndArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for range len(args) + 1 { // each round consumes at least one argument
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return pos, nil
}

// flagErrExit is the exit code for a flag error: 0 for -h, else 2.
func flagErrExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
