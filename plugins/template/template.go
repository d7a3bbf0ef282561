package template

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Errors returned by Validate and Expand; match them with errors.Is.
var (
	// ErrUnknownVariable means a template names a variable that does not exist.
	ErrUnknownVariable = errors.New("template: unknown variable")
	// ErrUnterminated means "{{" has no matching "}}".
	ErrUnterminated = errors.New("template: unterminated {{")
	// ErrWindow means a window variable is used with a window that is not positive.
	ErrWindow = errors.New("template: window variables need a window > 0 seconds")
	// ErrRange means a window bound does not fit in an int64.
	ErrRange = errors.New("template: window bound out of range")
)

// Variable names, as written between the braces.
const (
	VarSource      = "source"
	VarHeight      = "height"
	VarUnix        = "unix"
	VarTime        = "time"
	VarWindowStart = "window_start"
	VarWindowEnd   = "window_end"
)

// names lists every variable in a fixed order (used by error messages).
var names = []string{VarSource, VarHeight, VarUnix, VarTime, VarWindowStart, VarWindowEnd}

// Vars are the values a template can refer to for one round.
type Vars struct {
	// Source is the source id.
	Source string
	// Height is the round's block height.
	Height int64
	// Time is the round's block time in unix nanoseconds.
	Time int64
	// Window is the source's window length in seconds.
	Window int64
}

// segment is either literal text or a variable reference.
type segment struct {
	text  string
	isVar bool
}

// parse splits s into literal and variable segments, rejecting unknown
// variables and unterminated braces. Its cost is linear in len(s).
func parse(s string) ([]segment, error) {
	var segs []segment
	rest, off := s, 0
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			if rest != "" {
				segs = append(segs, segment{text: rest})
			}
			return segs, nil
		}
		if i > 0 {
			segs = append(segs, segment{text: rest[:i]})
		}
		j := strings.Index(rest[i+2:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("%w at offset %d", ErrUnterminated, off+i)
		}
		name := strings.Trim(rest[i+2:i+2+j], " \t")
		if !known(name) {
			return nil, fmt.Errorf("%w %q at offset %d (known: %s)",
				ErrUnknownVariable, name, off+i, strings.Join(names, ", "))
		}
		segs = append(segs, segment{text: name, isVar: true})
		off += i + 4 + j
		rest = rest[i+4+j:]
	}
}

func known(name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// Validate reports whether s is a well-formed template that names only
// known variables.
func Validate(s string) error {
	_, err := parse(s)
	return err
}

// Variables returns the distinct variables s refers to, in order of first
// appearance.
func Variables(s string) ([]string, error) {
	segs, err := parse(s)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, sg := range segs {
		if sg.isVar && !contains(out, sg.text) {
			out = append(out, sg.text)
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// UsesWindow reports whether s refers to {{window_start}} or
// {{window_end}}; a source whose templates do needs a window > 0.
func UsesWindow(s string) (bool, error) {
	vars, err := Variables(s)
	if err != nil {
		return false, err
	}
	return contains(vars, VarWindowStart) || contains(vars, VarWindowEnd), nil
}

// Expand replaces every variable in s with its value for v.
func Expand(s string, v Vars) (string, error) {
	segs, err := parse(s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, sg := range segs {
		if !sg.isVar {
			b.WriteString(sg.text)
			continue
		}
		val, err := v.value(sg.text)
		if err != nil {
			return "", err
		}
		b.WriteString(val)
	}
	return b.String(), nil
}

// value returns the text of one known variable.
func (v Vars) value(name string) (string, error) {
	switch name {
	case VarSource:
		return v.Source, nil
	case VarHeight:
		return strconv.FormatInt(v.Height, 10), nil
	case VarUnix:
		return strconv.FormatInt(v.Unix(), 10), nil
	case VarTime:
		return time.Unix(0, v.Time).UTC().Format(time.RFC3339), nil
	case VarWindowStart, VarWindowEnd:
		start, end, err := v.WindowBounds()
		if err != nil {
			return "", err
		}
		if name == VarWindowStart {
			return strconv.FormatInt(start, 10), nil
		}
		return strconv.FormatInt(end, 10), nil
	}
	return "", fmt.Errorf("%w %q", ErrUnknownVariable, name)
}

// Unix returns the round time in unix seconds, rounded down.
func (v Vars) Unix() int64 {
	return floorDiv(v.Time, int64(time.Second))
}

// WindowBounds returns the closed window of v.Window seconds that ends at
// or before the round time, in unix seconds.
func (v Vars) WindowBounds() (start, end int64, err error) {
	if v.Window <= 0 {
		return 0, 0, fmt.Errorf("%w (got %d)", ErrWindow, v.Window)
	}
	end = floorDiv(v.Unix(), v.Window) * v.Window
	if end < math.MinInt64+v.Window {
		return 0, 0, fmt.Errorf("%w: window_end %d, window %d", ErrRange, end, v.Window)
	}
	return end - v.Window, end, nil
}

// floorDiv divides a by b > 0, rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
