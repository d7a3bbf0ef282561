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
	Name   string
	SDKDir string // local Assay checkout for the go.mod replace; "" = none
	InTree bool   // the directory is inside the Assay module: no go.mod
}

// ValidName reports whether name can name a new validator program: lowercase
// letters, digits and _, starting with a letter, at most 40 bytes.
func ValidName(name string) bool { return validatorName.MatchString(name) }

// Scaffold renders the files of a new validator program called name in language
// lang ("go" or "c") that will live in dir: a program that canonicalises
// JSON (Go) or echoes its input (C), fixtures and a Makefile. The Go
// module's replace directive points at the Assay checkout sdk, or the one
// above dir (then the scaffold joins that module: no go.mod) or above the
// working directory; Scaffold returns that checkout ("" when none was
// found). Files maps slash-separated paths to contents.
func Scaffold(name, lang, dir, sdk string) (files map[string]string, sdkDir string, err error) {
	if !ValidName(name) {
		return nil, "", fmt.Errorf("bad validator name %q (lowercase letters, digits, _)", name)
	}
	s := &scaffold{Name: name}
	var tmpl map[string]string
	switch lang {
	case "go":
		root, inTree, err := locateSDK(dir, sdk)
		if err != nil {
			return nil, "", err
		}
		s.SDKDir, s.InTree = root, inTree
		tmpl = goScaffold
	case "c":
		tmpl = cScaffold
	default:
		return nil, "", fmt.Errorf("unknown language %q (want go or c)", lang)
	}
	files = make(map[string]string, len(tmpl)+1)
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
	if lang == "c" {
		files["assay.h"] = string(csdk.Header)
	}
	return files, s.SDKDir, nil
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
