package authoring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/sdk/fixture"
)

// UpdateFixtures writes the expected outputs of the fixtures in dir's
// fixture directory (`assay validator test --update`), in sdk/fixture's
// format, from one compiler run of the built module each:
//
//   - a NAME.input without NAME.expect gets one: the run's status, and
//     its reason (REJECTED) or kind (FAILED), at the default round;
//   - a fixture expected and run ACCEPTED gets NAME.output when it has
//     none or it differs, and its `cid:` line, if any, is rewritten when
//     it differs.
//
// An expectation whose status differs from the run's is left alone: the
// test that follows reports it. UpdateFixtures returns the files it
// wrote, sorted. It builds first (make) unless o.NoBuild.
func UpdateFixtures(dir string, o FixtureOptions, buildOut io.Writer) ([]string, error) {
	wasm, err := builtWasm(dir, o, buildOut)
	if err != nil {
		return nil, err
	}
	fxDir := filepath.Join(dir, o.Fixtures)
	fxs, hasExpect, err := loadForUpdate(fxDir)
	if err != nil {
		return nil, err
	}
	reports, err := fixture.RunAll(context.Background(), wasm, fxs, fixture.Options{GasLimit: o.GasLimit, SkipInterpreter: true})
	if err != nil {
		return nil, err
	}
	var written []string
	for i, r := range reports {
		if r.Status == abi.StatusUnavailable {
			return written, fmt.Errorf("fixture %s: %w", r.Name, r.Err)
		}
		files, err := updateOne(filepath.Join(fxDir, r.Name), fxs[i], hasExpect[i], r)
		if err != nil {
			return written, err
		}
		written = append(written, files...)
	}
	sort.Strings(written)
	return written, nil
}

// loadForUpdate reads the fixtures of dir like fixture.Load, but a
// fixture may lack NAME.expect (hasExpect[i] false: the default round).
func loadForUpdate(dir string) ([]fixture.Fixture, []bool, error) {
	inputs, err := filepath.Glob(filepath.Join(dir, "*.input"))
	if err != nil || len(inputs) == 0 {
		return nil, nil, fmt.Errorf("%w in %s", fixture.ErrNoFixtures, dir)
	}
	sort.Strings(inputs)
	defParams, err := readIfExists(filepath.Join(dir, "params.json"))
	if err != nil {
		return nil, nil, err
	}
	fxs := make([]fixture.Fixture, len(inputs))
	has := make([]bool, len(inputs))
	for i, in := range inputs {
		base := strings.TrimSuffix(in, ".input")
		f := fixture.Fixture{Name: filepath.Base(base), Params: defParams, Expect: fixture.Expect{Height: 1}}
		if f.Input, err = os.ReadFile(in); err != nil {
			return nil, nil, err
		}
		if p, err := readIfExists(base + ".params"); err != nil {
			return nil, nil, err
		} else if p != nil {
			f.Params = p
		}
		exp, err := readIfExists(base + ".expect")
		if err != nil {
			return nil, nil, err
		}
		if has[i] = exp != nil; has[i] {
			if f.Expect, err = fixture.ParseExpect(exp); err != nil {
				return nil, nil, fmt.Errorf("fixture %s: %w", f.Name, err)
			}
		}
		if f.Expect.Output, err = readIfExists(base + ".output"); err != nil {
			return nil, nil, err
		}
		fxs[i] = f
	}
	return fxs, has, nil
}

// updateOne writes one fixture's files (base is its path without the
// extension) and returns the ones it wrote.
func updateOne(base string, f fixture.Fixture, hasExpect bool, r fixture.Report) ([]string, error) {
	var written []string
	write := func(path string, b []byte) error {
		written = append(written, path)
		return os.WriteFile(path, b, 0o644)
	}
	if !hasExpect {
		if err := write(base+".expect", newExpect(r)); err != nil {
			return written, err
		}
	} else if f.Expect.Status != r.Status {
		return nil, nil
	}
	if r.Status != abi.StatusAccepted {
		return written, nil
	}
	if !bytes.Equal(f.Expect.Output, r.Output) || f.Expect.Output == nil {
		if err := write(base+".output", r.Output); err != nil {
			return written, err
		}
	}
	if hasExpect && f.Expect.CID != "" {
		id, err := pin.SumBytes(r.Output)
		if err != nil {
			return written, err
		}
		if id.String() != f.Expect.CID {
			old, err := os.ReadFile(base + ".expect")
			if err != nil {
				return written, err
			}
			if err := write(base+".expect", setKey(old, "cid", id.String())); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// newExpect is the NAME.expect of a fixture that had none.
func newExpect(r fixture.Report) []byte {
	b := fmt.Appendf(nil, "# written by assay validator test --update\nstatus: %s\n", r.Status)
	switch r.Status {
	case abi.StatusRejected:
		reason := string(r.Output)
		if first, _, multi := strings.Cut(reason, "\n"); multi || strings.TrimSpace(reason) != reason {
			return fmt.Appendf(b, "reason~: %s\n", strings.TrimSpace(first)) // the format holds one trimmed line
		}
		b = fmt.Appendf(b, "reason: %s\n", reason)
	case abi.StatusFailed:
		b = fmt.Appendf(b, "kind: %s\n", r.Kind)
	}
	return b
}

// setKey replaces the value of key's line in an expect file.
func setKey(expect []byte, key, val string) []byte {
	lines := strings.SplitAfter(string(expect), "\n")
	for i, l := range lines {
		if k, _, ok := strings.Cut(strings.TrimSpace(l), ":"); ok && strings.TrimSpace(k) == key {
			lines[i] = key + ": " + val + "\n"
		}
	}
	return []byte(strings.Join(lines, ""))
}

func readIfExists(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}
