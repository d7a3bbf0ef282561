package conformance

import (
	"errors"
	"fmt"
	"strings"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

func (s *scriptRun) module(i int, c Command) {
	inst := &instance{}
	inst.mod, inst.err = s.instantiate(c, s.regs[i])
	switch {
	case errors.Is(inst.err, errRejected):
		if s.regs[i] != "" {
			s.gone[s.regs[i]] = true
		}
	case inst.err != nil:
		s.fail(c.Line, "module %s: %v", c.Filename, inst.err)
	default:
		s.rep.Passed++
	}
	s.cur = inst
	if c.Name != "" {
		s.named[c.Name] = inst
	}
}

// instantiate loads, instruments, compiles and instantiates a module under
// name ("" for anonymous), replacing an earlier instance registered under
// the same name.
func (s *scriptRun) instantiate(c Command, name string) (api.Module, error) {
	b, err := s.load(c)
	if err != nil {
		return nil, err
	}
	cm, err := s.rt.CompileModule(s.ctx, b)
	if err != nil {
		return nil, fmt.Errorf("wazero rejected the instrumented module: %w", err)
	}
	if old := s.byName[name]; name != "" && old != nil {
		_ = old.Close(s.ctx) // a newer module takes over the registered name
		delete(s.byName, name)
	}
	cfg := wazero.NewModuleConfig().WithName(name).WithStartFunctions()
	mod, err := s.rt.InstantiateModule(s.ctx, cm, cfg)
	if err != nil && s.importsGone(err) {
		if name != "" {
			s.gone[name] = true
		}
		return nil, fmt.Errorf("%w (imports from a rejected module: %v)", errRejected, firstLine(err))
	}
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w", err)
	}
	if name != "" {
		s.byName[name] = mod
	}
	if mod.ExportedGlobal(abi.GlobalGas) == nil {
		s.rep.Unmetered++
	} else {
		s.live = append(s.live, mod)
	}
	return mod, nil
}

// refill gives every metered instance the options' gas and memory limit
// and a zero call depth, as a fresh job would start.
func (s *scriptRun) refill() {
	for _, m := range s.live {
		setGlobal(m, abi.GlobalGas, uint64(s.opt.Gas))
		setGlobal(m, abi.GlobalDepth, 0)
		setGlobal(m, abi.GlobalMemLimit, uint64(uint32(s.opt.MemLimitPages)))
	}
}

func setGlobal(m api.Module, name string, v uint64) {
	if g, ok := m.ExportedGlobal(name).(api.MutableGlobal); ok {
		g.Set(v)
	}
}

// target returns the instance an action names, or false when the action
// must be skipped (its module was rejected) or failed (no such module).
func (s *scriptRun) target(c Command) (api.Module, bool) {
	inst := s.cur
	if c.Action.Module != "" {
		inst = s.named[c.Action.Module]
	}
	switch {
	case inst == nil:
		s.fail(c.Line, "no module for action %q", c.Action.Field)
	case errors.Is(inst.err, errRejected):
		s.skip(c.Line, "module rejected by the instrumenter")
	case inst.err != nil:
		s.skip(c.Line, "module failed (reported at its line)")
	default:
		return inst.mod, true
	}
	return nil, false
}

// call runs an action. ok is false when it was skipped or could not start
// (already reported); err is the action's own error (a trap).
func (s *scriptRun) call(c Command) (res []uint64, err error, mod api.Module, ok bool) {
	mod, ok = s.target(c)
	if !ok {
		return nil, nil, nil, false
	}
	a := c.Action
	if a.Type == "get" {
		g := mod.ExportedGlobal(a.Field)
		if g == nil {
			s.fail(c.Line, "no exported global %q", a.Field)
			return nil, nil, nil, false
		}
		return []uint64{g.Get()}, nil, mod, true
	}
	fn := mod.ExportedFunction(a.Field)
	if fn == nil {
		s.fail(c.Line, "no exported function %q", a.Field)
		return nil, nil, nil, false
	}
	args := make([]uint64, len(a.Args))
	for i, v := range a.Args {
		if args[i], err = v.Encode(); err != nil {
			s.skip(c.Line, "argument: %v", err)
			return nil, nil, nil, false
		}
	}
	s.refill()
	res, err = fn.Call(s.ctx, args...)
	s.rep.Gas = append(s.rep.Gas, GasPoint{Line: c.Line, Used: s.gasUsed()})
	return res, err, mod, true
}

// gasUsed sums what every metered instance spent since the last refill.
func (s *scriptRun) gasUsed() int64 {
	var used int64
	for _, m := range s.live {
		if g := m.ExportedGlobal(abi.GlobalGas); g != nil {
			used += s.opt.Gas - int64(g.Get())
		}
	}
	return used
}

// act runs an action that must not trap.
func (s *scriptRun) act(c Command) ([]uint64, bool) {
	res, err, _, ok := s.call(c)
	if !ok {
		return nil, false
	}
	if err != nil {
		s.fail(c.Line, "%s %q: unexpected error: %v", c.Action.Type, c.Action.Field, firstLine(err))
		return nil, false
	}
	return res, true
}

func (s *scriptRun) assertReturn(c Command) {
	res, ok := s.act(c)
	if !ok {
		return
	}
	if len(res) != len(c.Expected) {
		s.fail(c.Line, "%q: %d results, want %d", c.Action.Field, len(res), len(c.Expected))
		return
	}
	for i, want := range c.Expected {
		match, err := want.Match(res[i])
		if err != nil {
			s.skip(c.Line, "expected value: %v", err)
			return
		}
		if !match {
			s.fail(c.Line, "%q result %d: got %#x, want %s %s", c.Action.Field, i, res[i], want.Type, want.Value)
			return
		}
	}
	s.rep.Passed++
}

func firstLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// fmtErr renders an optional error for messages.
func fmtErr(err error) string {
	if err == nil {
		return "no error"
	}
	return firstLine(err)
}
