// Package cliflag is the flag parsing the assay CLI shares: numeric
// flags checked against a range, parsers that take flags before,
// between or after positional arguments, and IsSet (was a flag given).
//
// Numeric flags are range-checked: a value outside [min, max] (or one
// that does not fit the variable) is a usage error naming the flag, the
// value and the range, never a silent wrap such as --memory-pages
// 4294967296 becoming 0.
//
// # Example
//
//	var pages uint32
//	cliflag.Uint(fs, &pages, "memory-pages", 0, 0, 65536, "memory limit in 64 KiB pages")
//	err := cliflag.Parse(fs, args) // `cmd NAME --memory-pages 10` works too
package cliflag

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// uintValue is a flag.Value for an unsigned integer in [min, max].
type uintValue[T ~uint | ~uint32 | ~uint64] struct {
	p        *T
	min, max T
}

// Uint defines an unsigned integer flag that accepts min..max.
func Uint[T ~uint | ~uint32 | ~uint64](fs *flag.FlagSet, p *T, name string, def, min, max T, usage string) {
	*p = def
	fs.Var(&uintValue[T]{p: p, min: min, max: max}, name, fmt.Sprintf("%s (%d..%d)", usage, min, max))
}

func (v *uintValue[T]) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return strconv.FormatUint(uint64(*v.p), 10)
}

func (v *uintValue[T]) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("not an integer in %d..%d", v.min, v.max)
	}
	if err != nil || n < uint64(v.min) || n > uint64(v.max) {
		return fmt.Errorf("out of range %d..%d", v.min, v.max)
	}
	*v.p = T(n)
	return nil
}

// intValue is a flag.Value for a signed integer in [min, max].
type intValue[T ~int | ~int64] struct {
	p        *T
	min, max T
}

// Int defines a signed integer flag that accepts min..max.
func Int[T ~int | ~int64](fs *flag.FlagSet, p *T, name string, def, min, max T, usage string) {
	*p = def
	fs.Var(&intValue[T]{p: p, min: min, max: max}, name, fmt.Sprintf("%s (%d..%d)", usage, min, max))
}

func (v *intValue[T]) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return strconv.FormatInt(int64(*v.p), 10)
}

func (v *intValue[T]) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("not an integer in %d..%d", v.min, v.max)
	}
	if err != nil || n < int64(v.min) || n > int64(v.max) {
		return fmt.Errorf("out of range %d..%d", v.min, v.max)
	}
	*v.p = T(n)
	return nil
}

// durationValue is a flag.Value for a time.Duration in [min, max].
type durationValue struct {
	p        *time.Duration
	min, max time.Duration
}

// Duration defines a duration flag that accepts min..max.
func Duration(fs *flag.FlagSet, p *time.Duration, name string, def, min, max time.Duration, usage string) {
	*p = def
	fs.Var(&durationValue{p: p, min: min, max: max}, name, fmt.Sprintf("%s (%v..%v)", usage, min, max))
}

func (v *durationValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return v.p.String()
}

func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration in %v..%v (e.g. 500ms, 2s)", v.min, v.max)
	}
	if d < v.min || d > v.max {
		return fmt.Errorf("out of range %v..%v", v.min, v.max)
	}
	*v.p = d
	return nil
}

// Parse parses args allowing flags after positional arguments
// (`assay keys add NAME --keyring DIR`); fs.Args() are the positionals.
func Parse(fs *flag.FlagSet, args []string) error {
	pos, err := Positionals(fs, args)
	if err != nil {
		return err
	}
	return fs.Parse(pos)
}

// Positionals parses flags placed before, between or after positional
// arguments and returns the positional ones; "-" is a positional
// argument and "--" ends the flags.
func Positionals(fs *flag.FlagSet, args []string) ([]string, error) {
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

// ExitCode is the exit code for a flag error: 0 for -h, else 2.
func ExitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// IsSet reports whether the flag name was given on the command line that
// fs parsed (not merely left at its default).
func IsSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// List splits a comma-separated flag value such as --gateway A,B into
// its items, trimming spaces and dropping empty ones.
func List(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// NoArgs reports whether a command that takes only flags got no
// positional arguments; if it got some, it prints the first and the
// command's usage to fs's output.
func NoArgs(fs *flag.FlagSet) bool {
	if fs.NArg() == 0 {
		return true
	}
	fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
	fs.Usage()
	return false
}
