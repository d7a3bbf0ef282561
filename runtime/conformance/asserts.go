package conformance

import (
	"errors"
	"strings"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/tetratelabs/wazero/api"
)

// trapText maps prefixes of the reference interpreter's trap messages to
// the text of the wazero trap that implements them. Messages not listed
// must appear verbatim in wazero's error.
var trapText = []struct{ spec, wazero string }{
	{"undefined", "invalid table access"},
	{"uninitialized", "invalid table access"},
	{"out of bounds table access", "invalid table access"},
	{"indirect call", "indirect call type mismatch"},
	{"call stack exhausted", "stack overflow"},
}

// TrapMatches reports whether a wazero error implements the spec trap text.
func TrapMatches(err error, specText string) bool {
	if err == nil {
		return false
	}
	want := specText
	for _, m := range trapText {
		if strings.HasPrefix(specText, m.spec) {
			want = m.wazero
			break
		}
	}
	return strings.Contains(firstLine(err), want)
}

// meterState reads the rewriter's globals after a call: whether gas ran
// out and whether the depth counter passed its cap.
func meterState(m api.Module) (outOfGas, stackLimit bool) {
	if g := m.ExportedGlobal(abi.GlobalGas); g != nil {
		outOfGas = int64(g.Get()) < 0
	}
	if g := m.ExportedGlobal(abi.GlobalDepth); g != nil {
		stackLimit = int32(uint32(g.Get())) > abi.MaxCallDepth
	}
	return outOfGas, stackLimit
}

func (s *scriptRun) assertTrap(c Command) {
	if c.Action == nil { // assert_trap on a module: wast2json emits assert_uninstantiable
		s.assertNoInstance(c)
		return
	}
	_, err, mod, ok := s.call(c)
	if !ok {
		return
	}
	if oog, stack := meterState(mod); oog || stack {
		s.fail(c.Line, "%q: metering trapped (out of gas %v, stack limit %v), want %q", c.Action.Field, oog, stack, c.Text)
		return
	}
	if !TrapMatches(err, c.Text) {
		s.fail(c.Line, "%q: got %s, want trap %q", c.Action.Field, fmtErr(err), c.Text)
		return
	}
	s.rep.Passed++
}

// assertExhaustion needs the call to trap on stack depth: the rewriter's
// depth counter (stack_limit) or, for unmetered code, the engine's own.
func (s *scriptRun) assertExhaustion(c Command) {
	_, err, mod, ok := s.call(c)
	if !ok {
		return
	}
	_, stack := meterState(mod)
	switch {
	case err == nil:
		s.fail(c.Line, "%q: returned, want stack exhaustion", c.Action.Field)
	case stack && TrapMatches(err, "unreachable"):
		s.rep.Exhaustion = append(s.rep.Exhaustion, abi.KindStackLimit)
		s.rep.Passed++
	case TrapMatches(err, "stack overflow"):
		s.rep.Exhaustion = append(s.rep.Exhaustion, "engine")
		s.rep.Passed++
	default:
		s.fail(c.Line, "%q: got %s, want stack exhaustion", c.Action.Field, fmtErr(err))
	}
}

// assertInvalid needs the module rejected by the instrumenter or by wazero.
// Text-format modules test the text parser, which is not ours: skipped.
func (s *scriptRun) assertInvalid(c Command) {
	if c.ModuleType == "text" {
		s.skip(c.Line, "text module (tests the .wat parser)")
		return
	}
	b, err := s.loadQuiet(c)
	if err == nil {
		_, err = s.rt.CompileModule(s.ctx, b)
	}
	if err == nil && s.mvp != nil {
		// a second result is invalid in the script's rules, not in the
		// rewriter's output
		var orig []byte
		if orig, err = s.original(c); err == nil {
			_, err = s.mvp.CompileModule(s.ctx, orig)
		}
	}
	if err == nil {
		s.fail(c.Line, "%s: %s module accepted (%s)", c.Filename, c.Type, c.Text)
		return
	}
	s.rep.Passed++
}

// loadQuiet is load without recording a rejection: for modules that are
// meant to be refused.
func (s *scriptRun) loadQuiet(c Command) ([]byte, error) {
	n := len(s.rep.Rejected)
	b, err := s.load(c)
	s.rep.Rejected = s.rep.Rejected[:n]
	return b, err
}

// assertNoInstance needs a valid module whose instantiation fails (unknown
// import, incompatible import, start trap, segment out of bounds).
func (s *scriptRun) assertNoInstance(c Command) {
	mod, err := s.instantiate(c, "")
	switch {
	case errors.Is(err, errRejected):
		s.skip(c.Line, "module rejected by the instrumenter")
	case err == nil:
		_ = mod.Close(s.ctx)
		s.fail(c.Line, "%s: %s module instantiated (%s)", c.Filename, c.Type, c.Text)
	case strings.HasPrefix(err.Error(), "wazero rejected") && !s.wazeroRejectsOriginal(c):
		s.fail(c.Line, "%s: %v", c.Filename, err)
	default:
		s.rep.Passed++
	}
}

// wazeroRejectsOriginal reports whether wazero refuses to compile the
// uninstrumented module too: then its rejection is wazero's reading of
// the script (it checks some link-time rules at compile time), not damage
// done by the rewriter.
func (s *scriptRun) wazeroRejectsOriginal(c Command) bool {
	b, err := s.original(c)
	if err != nil {
		return false
	}
	_, err = s.rt.CompileModule(s.ctx, b)
	return err != nil
}
