package authoring

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/sdk"
)

// SDKDir is the directory, inside a scaffold, that holds the copy of the
// Assay SDK it builds with: a partial Assay tree at one version (its
// VERSION file says which), a Go module for the Go scaffold.
const SDKDir = "assay-sdk"

// sdkPatterns are the SDK files each language's scaffold copies, as
// paths of the Assay repository (the layout of SDKDir).
var sdkPatterns = map[string][]string{
	"go":   {"sdk/assay/*.go", "sdk/jcs/*.go", "sdk/dec/*.go", "runtime/abi/*.go"},
	"rust": {"sdk/rust/Cargo.toml", "sdk/rust/src/*.rs"},
	"as":   {"sdk/as/package.json", "sdk/as/package-lock.json", "sdk/as/assembly/*.ts"},
}

// embeddedSDK is the SDK this binary was built with, in the repository's
// layout: sdk.Files under sdk/ and abi.Source under runtime/abi/.
type embeddedSDK struct{}

func (embeddedSDK) Open(name string) (fs.File, error) {
	if rest, ok := strings.CutPrefix(name, "sdk/"); ok {
		return sdk.Files.Open(rest)
	}
	if rest, ok := strings.CutPrefix(name, "runtime/abi/"); ok {
		return abi.Source.Open(rest)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (embeddedSDK) ReadDir(name string) ([]fs.DirEntry, error) {
	if rest, ok := strings.CutPrefix(name, "sdk/"); ok {
		return sdk.Files.ReadDir(rest)
	}
	if name == "runtime/abi" {
		return abi.Source.ReadDir(".")
	}
	return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
}

// sdkFiles returns the SDK files of lang's scaffold from src (the
// embedded SDK, or an Assay checkout's directory), without tests, keyed
// by their path in the repository.
func sdkFiles(src fs.FS, lang string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, pat := range sdkPatterns[lang] {
		dir, glob := path.Split(pat)
		entries, err := fs.ReadDir(src, strings.TrimSuffix(dir, "/"))
		if err != nil {
			return nil, fmt.Errorf("sdk: %w", err)
		}
		for _, e := range entries {
			if ok, _ := path.Match(glob, e.Name()); !ok || e.IsDir() || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			b, err := fs.ReadFile(src, dir+e.Name())
			if err != nil {
				return nil, fmt.Errorf("sdk: %w", err)
			}
			files[dir+e.Name()] = b
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("sdk: no %s SDK files", lang)
	}
	return files, nil
}

// sdkVersion names a set of SDK files by their contents: the first 12
// hex digits of the SHA-256 of each path and file, in path order. Two
// scaffolds with the same SDK version build from the same SDK bytes.
func sdkVersion(files map[string][]byte) (version string, manifest string) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	h := sha256.New()
	var m strings.Builder
	for _, p := range paths {
		sum := sha256.Sum256(files[p])
		fmt.Fprintf(h, "%s\x00%x\n", p, sum)
		fmt.Fprintf(&m, "%x  %s\n", sum, p)
	}
	return "sdk-" + hex.EncodeToString(h.Sum(nil))[:12], m.String()
}

// addSDK adds lang's SDK files under SDKDir to files, with a VERSION
// file (and, for Go, the go.mod of the SDK module), and returns the SDK
// version. checkout is an Assay checkout to copy from, or "" for the SDK
// embedded in this binary.
func addSDK(files map[string]string, lang, checkout string) (string, error) {
	var src fs.FS = embeddedSDK{}
	from := fmt.Sprintf("the assay CLI (validator ABI v1, rewriter v%d, built with %s)", meter.Version, runtime.Version())
	if checkout != "" {
		src, from = os.DirFS(checkout), "the Assay checkout "+checkout
	}
	sdkf, err := sdkFiles(src, lang)
	if err != nil {
		return "", err
	}
	version, manifest := sdkVersion(sdkf)
	for p, b := range sdkf {
		files[SDKDir+"/"+p] = string(b)
	}
	if lang == "go" {
		files[SDKDir+"/go.mod"] = "module " + assayModule + "\n\ngo 1.26.0\n"
	}
	files[SDKDir+"/VERSION"] = fmt.Sprintf(`Assay SDK %s (%s SDK), copied from %s.
A part of the Assay repository: the files below, at the paths they have
there. Keep this directory with your sources and do not edit it: a rebuild
from the same files (and the same compiler) reproduces the code CID.

%s`, version, lang, from, manifest)
	return version, nil
}
