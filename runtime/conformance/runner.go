package conformance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Instrumenter is the store-time step every script module passes through
// before wazero sees it (meter.Instrument with the harness's limits).
type Instrumenter func(wasm []byte) ([]byte, error)

// Options configure RunScript.
type Options struct {
	Interpreter bool // use the interpreter instead of the compiler
	// Features are the engine's core features; zero means CoreFeaturesV2
	// without SIMD (what Assay runs).
	Features   api.CoreFeatures
	Instrument Instrumenter // nil runs modules unmodified
	// Gas is stored in assay:gas (when the module exports it) after
	// instantiation and before every action; it should be effectively
	// unlimited so the suite tests semantics, not budgets.
	Gas int64
	// MemLimitPages is stored in assay:mem_limit the same way.
	MemLimitPages int32
}

// Report is what one script run found.
type Report struct {
	Passed     int         // assertions and actions that behaved as the script says
	Skipped    []Skip      // commands not run, with the reason
	Rejected   []Rejection // modules the instrumenter rejected
	Failures   []Failure   // assertions that did not hold
	Unmetered  int         // modules accepted without an assay:gas global
	Exhaustion []string    // how each assert_exhaustion trapped ("stack_limit", "engine")
	// Gas is the gas every invoke used, summed over all metered instances
	// (a call may cross into registered modules), in script order. It
	// must be identical on every engine.
	Gas []GasPoint
}

// GasPoint is the gas one invoke used.
type GasPoint struct {
	Line int
	Used int64
}

// Skip is a command the runner did not execute.
type Skip struct {
	Line   int
	Reason string
}

// Rejection is a module the instrumenter refused.
type Rejection struct {
	File string // the module's file name in the script directory
	Line int
	Err  error
}

// Failure is a command whose outcome differs from the script's.
type Failure struct {
	Line int
	Msg  string
}

// String renders the failure with its script line.
func (f Failure) String() string { return fmt.Sprintf("line %d: %s", f.Line, f.Msg) }

// errRejected marks a module that the instrumenter refused; commands that
// use it are skipped.
var errRejected = errors.New("conformance: module rejected by the instrumenter")

type scriptRun struct {
	ctx    context.Context
	opt    Options
	dir    string
	rt     wazero.Runtime
	rep    *Report
	regs   map[int]string
	cur    *instance
	named  map[string]*instance
	byName map[string]api.Module // registered instances, by registered name
	live   []api.Module
	// gone holds registered names whose module was rejected: a module
	// importing from one cannot link, and is skipped, not failed.
	gone map[string]bool
	// mvp, when the script's features lack multi-value, compiles the
	// original of an assert_invalid module with those features: the
	// rewriter's output always uses multi-value (every function returns
	// its gas), so rt runs it with multi-value on, and the script's
	// validation rules are applied to the module as the script ships it.
	mvp wazero.Runtime
}

// instance is a module command's result: a module, or why there is none.
type instance struct {
	mod api.Module
	err error // errRejected or a failure already reported
}

// RunScript runs every command of script, whose module files are in dir,
// and reports the outcome. It returns an error only when the harness itself
// cannot run (the runtime or the spectest host cannot be set up).
func RunScript(ctx context.Context, dir string, script *Script, opt Options) (*Report, error) {
	cfg := wazero.NewRuntimeConfigCompiler()
	if opt.Interpreter {
		cfg = wazero.NewRuntimeConfigInterpreter()
	}
	feat := opt.Features
	if feat == 0 {
		feat = api.CoreFeaturesV2.SetEnabled(api.CoreFeatureSIMD, false)
	}
	var mvp wazero.Runtime
	if opt.Instrument != nil && !feat.IsEnabled(api.CoreFeatureMultiValue) {
		mvp = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter().WithCoreFeatures(feat))
		defer mvp.Close(ctx)
		feat = feat.SetEnabled(api.CoreFeatureMultiValue, true)
	}
	cfg = cfg.WithCoreFeatures(feat).
		WithCloseOnContextDone(true)
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	defer rt.Close(ctx)
	host := wazero.NewModuleConfig().WithName(SpectestModuleName).WithStartFunctions()
	if _, err := rt.InstantiateWithConfig(ctx, SpectestModule(), host); err != nil {
		return nil, fmt.Errorf("conformance: spectest host: %w", err)
	}
	s := &scriptRun{
		ctx: ctx, opt: opt, dir: dir, rt: rt, rep: &Report{},
		regs:   registrations(script.Commands),
		named:  map[string]*instance{},
		byName: map[string]api.Module{},
		gone:   map[string]bool{},
		mvp:    mvp,
	}
	for i, c := range script.Commands {
		if err := ctx.Err(); err != nil {
			return s.rep, fmt.Errorf("conformance: %s line %d: %w", script.SourceFilename, c.Line, err)
		}
		s.command(i, c)
	}
	return s.rep, nil
}

func (s *scriptRun) fail(line int, format string, args ...any) {
	s.rep.Failures = append(s.rep.Failures, Failure{Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (s *scriptRun) skip(line int, format string, args ...any) {
	s.rep.Skipped = append(s.rep.Skipped, Skip{Line: line, Reason: fmt.Sprintf(format, args...)})
}

func (s *scriptRun) command(i int, c Command) {
	switch c.Type {
	case "module":
		s.module(i, c)
	case "register":
		// Done ahead of time: see registrations.
	case "action":
		if _, ok := s.act(c); ok {
			s.rep.Passed++
		}
	case "assert_return":
		s.assertReturn(c)
	case "assert_trap":
		s.assertTrap(c)
	case "assert_exhaustion":
		s.assertExhaustion(c)
	case "assert_invalid", "assert_malformed":
		s.assertInvalid(c)
	case "assert_unlinkable", "assert_uninstantiable":
		s.assertNoInstance(c)
	default:
		s.fail(c.Line, "unknown command type %q", c.Type)
	}
}

// load reads a module file and passes it through the instrumenter. A
// rejection is recorded and returned as errRejected.
func (s *scriptRun) load(c Command) ([]byte, error) {
	b, err := s.original(c)
	if err != nil || s.opt.Instrument == nil {
		return b, nil
	}
	out, err := s.opt.Instrument(b)
	if err != nil {
		s.rep.Rejected = append(s.rep.Rejected, Rejection{File: c.Filename, Line: c.Line, Err: err})
		return nil, errRejected
	}
	return out, nil
}

// original reads a module file as the script ships it.
func (s *scriptRun) original(c Command) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, c.Filename))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", c.Filename, err)
	}
	return b, nil
}

// importsGone reports whether err is the failure to link against a
// registered module that was rejected.
func (s *scriptRun) importsGone(err error) bool {
	for n := range s.gone {
		if strings.Contains(err.Error(), "module["+n+"] not instantiated") {
			return true
		}
	}
	return false
}
