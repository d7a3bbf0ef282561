package authoring

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/assaynet/assay/internal/filelimit"
	csdk "github.com/assaynet/assay/sdk/c"
)

// assayModule is the module path the Go scaffold imports the SDK from.
const assayModule = "github.com/assaynet/assay"

var validatorName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// scaffold is what the templates see.
type scaffold struct {
	Name       string
	SDKDir     string // SDKDir, for the templates
	SDKVersion string // the version of the SDK copy (sdkVersion)
	InTree     bool   // the directory is inside the Assay module: no go.mod, no SDK copy
}

// Languages are the languages Scaffold writes, in the order help lists them.
var Languages = []string{"go", "c", "rust", "as"}

// ValidName reports whether name can name a new validator program: lowercase
// letters, digits and _, starting with a letter, at most 40 bytes.
func ValidName(name string) bool { return validatorName.MatchString(name) }

// Scaffold renders the files of a new validator program called name in
// language lang (Languages) that will live in dir: a program that
// canonicalises JSON (Go, Rust), checks it is JSON (AssemblyScript) or
// echoes its input (C), fixtures and a Makefile. Files maps
// slash-separated paths to contents.
//
// Go, Rust and AssemblyScript scaffolds get a copy of their SDK in
// SDKDir, from this binary (or from the Assay checkout sdk, when set),
// named by a version over its contents (the returned sdkVersion): the
// project builds outside a checkout and offline, and a rebuild from the
// same files reproduces the code CID. The Go scaffold's go.mod requires
// the Assay module at that version and replaces it with ./assay-sdk. A Go
// scaffold inside an Assay checkout joins that module instead: no go.mod,
// no copy. C's SDK is one header, copied as assay.h.
func Scaffold(name, lang, dir, sdk string) (files map[string]string, sdkVersion string, err error) {
	if !ValidName(name) {
		return nil, "", fmt.Errorf("bad validator name %q (lowercase letters, digits, _)", name)
	}
	tmpl, ok := templates[lang]
	if !ok {
		return nil, "", fmt.Errorf("unknown language %q (want %s)", lang, strings.Join(Languages, ", "))
	}
	checkout, inTree, err := locateSDK(dir, sdk)
	if err != nil {
		return nil, "", err
	}
	s := &scaffold{Name: name, SDKDir: SDKDir, InTree: inTree && lang == "go"}
	files = make(map[string]string, len(tmpl)+16)
	switch {
	case lang == "c":
		files["assay.h"] = string(csdk.Header)
	case !s.InTree:
		if s.SDKVersion, err = addSDK(files, lang, checkout); err != nil {
			return nil, "", err
		}
	}
	for fname, text := range tmpl {
		if fname == "go.mod" && s.InTree {
			continue
		}
		var b strings.Builder
		t := template.Must(template.New(fname).Delims("[[", "]]").Parse(text))
		if err := t.Execute(&b, s); err != nil {
			return nil, "", fmt.Errorf("template %s: %w", fname, err)
		}
		files[strings.ReplaceAll(fname, "NAME", s.Name)] = b.String()
	}
	return files, s.SDKVersion, nil
}

// locateSDK returns the Assay checkout of the --sdk flag ("" without
// one: the embedded SDK) and whether dir is inside an Assay checkout.
func locateSDK(dir, flagSDK string) (string, bool, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", false, err
	}
	inTree := assayRootAbove(absDir) != ""
	if flagSDK == "" {
		return "", inTree, nil
	}
	abs, err := filepath.Abs(flagSDK)
	if err != nil {
		return "", false, err
	}
	if !isAssayRoot(abs) {
		return "", false, fmt.Errorf("--sdk %s: no go.mod of %s there", flagSDK, assayModule)
	}
	return abs, inTree, nil
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
	b, err := filelimit.Read(filepath.Join(dir, "go.mod"), filelimit.GoMod)
	return err == nil && strings.HasPrefix(string(b), "module "+assayModule+"\n")
}

// WriteScaffold creates dir (which must not exist or be empty) and files.
func WriteScaffold(dir string, files map[string]string) error {
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
