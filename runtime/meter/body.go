package meter

// frame is one entry of the control stack while walking a body.
type frame struct {
	op       byte // 0x02 block, 0x03 loop, 0x04 if, 0 function
	targeted bool // some branch targets this frame's end (blocks only)
	simple   bool // an if charged up front (see scanSimpleIf)
	deadIn   bool // the frame was entered from unreachable code
}

// bodyStats is what walking a body learned, for the checker's report.
type bodyStats struct {
	locals  int
	nesting int
}

// moduleBudget tracks limits that span all bodies of a module.
type moduleBudget struct {
	brTargets int
}

// walker checks one function body and writes its rewritten form. Code is
// gathered per metered block in cur; a block's charge is emitted in front
// of it when the block ends.
type walker struct {
	m     *module
	x     *expansion
	lim   *Limits
	bud   *moduleBudget
	s     slots
	where string
	r     reader

	out  []byte
	cur  []byte
	cost uint64
	dead bool
	// check: the current metered block must trap at once when gas runs
	// out (function entry and loop headers: every cycle passes one).
	check bool
	// entry: the current block is the function's entry (or the loop
	// block that carries it): its check also covers the call depth.
	entry bool
	// trivial: the entry block holds only block/loop openers so far.
	trivial bool
	// spill: the current metered block holds a host call, a
	// call_indirect or an instruction that can trap before any call to a
	// defined function, so its charge also writes the gas global.
	spill bool
	// stale: a call to a defined function in the current metered block
	// has returned the gas in g without writing the global; the next
	// instruction that needs the global exact writes it first.
	stale bool
	np    uint32 // the function's original parameter count
	free  bool   // inside a simple if: costs are already charged
	ctrl  []frame
	st    bodyStats
}

// rewriteBody checks and rewrites function fidx (index space) with the
// given type; it returns the new body (locals + code).
func rewriteBody(m *module, x *expansion, lim *Limits, bud *moduleBudget, s slots, fidx uint32, ft funcType, body []byte) ([]byte, bodyStats, error) {
	w := &walker{m: m, x: x, lim: lim, bud: bud, s: s, where: funcWhere(int(fidx))}
	w.r = reader{b: body, where: w.where}
	if len(body) > lim.MaxFunctionBytes {
		return nil, w.st, errorf(ErrLimit, w.where, "body of %d bytes exceeds limit %d", len(body), lim.MaxFunctionBytes)
	}
	declared, err := w.locals(len(ft.params))
	if err != nil {
		return nil, w.st, err
	}
	w.np = uint32(len(ft.params))
	w.s.g, w.s.r = w.np, w.np+1 // the extra parameters
	base := w.np + 2 + declared
	w.s.t64a, w.s.t64b, w.s.t32 = base, base+1, base+2
	w.s.tf32, w.s.tf64 = base+3, base+4
	// The body runs in a block with the function's results, so that
	// branches to the function's label land before the gas result.
	w.out = append(w.out, opBlock)
	w.out = x.blockType(w.out, ft.results)
	w.cost = uint64(declared) >> costLocalsShift
	w.check, w.trivial, w.entry = true, true, true
	w.ctrl = append(w.ctrl, frame{})
	if err := w.code(); err != nil {
		return nil, w.st, err
	}
	return w.out, w.st, nil
}

// locals reads the local declarations, checks the count, copies them and
// appends the rewriter's scratch locals.
func (w *walker) locals(params int) (uint32, error) {
	r := &w.r
	groups, err := r.count(2)
	if err != nil {
		return 0, err
	}
	start := r.pos
	total := uint64(params)
	for i := uint32(0); i < groups; i++ {
		n, err := r.u32()
		if err != nil {
			return 0, err
		}
		t, err := r.byte()
		if err != nil {
			return 0, err
		}
		if err := checkValType(r, t); err != nil {
			return 0, err
		}
		total += uint64(n)
		if total > uint64(w.lim.MaxLocals) {
			return 0, errorf(ErrLimit, w.where, "%d locals exceeds limit %d", total, w.lim.MaxLocals)
		}
	}
	w.st.locals = int(total)
	w.out = appendU32(w.out, groups+4)
	w.out = append(w.out, r.b[start:r.pos]...)
	w.out = append(w.out, 2, valI64, 1, valI32, 1, valF32, 1, valF64)
	return uint32(total) - uint32(params), nil
}

// flush ends the current metered block: its charge, then its code.
func (w *walker) flush() {
	if (w.cost > 0 || w.entry || w.spill) && !w.dead {
		w.out = chargeStatic(w.out, &w.s, w.cost, w.check, w.entry, w.spill)
	}
	w.out = append(w.out, w.cur...)
	w.cur, w.cost, w.check, w.trivial, w.entry, w.spill = w.cur[:0], 0, false, false, false, false
	w.stale = false
}

// needGlobal is called before an instruction that lets a host or a trap
// observe the gas global: the block's charge writes it, or, after a
// call to a defined function in this block, a spill right here. Inside a
// simple if the spill may not run, so the global stays stale after it.
func (w *walker) needGlobal() {
	if !w.stale {
		w.spill = true
		return
	}
	w.cur = spillGas(w.cur, &w.s)
	if !w.free {
		w.stale = false
	}
}

func (w *walker) forbidden(format string, args ...any) error {
	return errorf(ErrForbidden, w.where, format+" (offset %d)", append(args, w.r.pos)...)
}

// target marks the frame a branch of this depth targets. The body's
// wrapping block makes one label more valid in the output, so an unknown
// label is reported here.
func (w *walker) target(depth uint32) error {
	if int(depth) >= len(w.ctrl) {
		return errorf(ErrInvalid, w.where, "unknown label %d (offset %d)", depth, w.r.pos)
	}
	w.ctrl[len(w.ctrl)-1-int(depth)].targeted = true
	return nil
}

// code walks the instructions up to the function's final end.
func (w *walker) code() error {
	r := &w.r
	for len(w.ctrl) > 0 {
		start := r.pos
		op, err := r.byte()
		if err != nil {
			return err
		}
		if err := w.instr(op, start); err != nil {
			return err
		}
	}
	if !r.eof() {
		return malformed(w.where, "section size mismatch: %d bytes after the final end", len(r.b)-r.pos)
	}
	return nil
}

// rawOp is raw charged at the instruction's table cost, opCost — the same
// function scanSimpleIf sums, so an if's up-front charge and its arms'
// block charges can never disagree.
func (w *walker) rawOp(start int) { w.raw(start, opCost(w.r.b[start], 0)) }

// raw appends the instruction's original bytes to the current block.
func (w *walker) raw(start int, cost uint64) {
	w.cur = append(w.cur, w.r.b[start:w.r.pos]...)
	if op := w.r.b[start]; op != 0x02 && op != 0x03 {
		w.trivial = false
	}
	if !w.free {
		w.cost += cost
	}
}

func (w *walker) push(op byte) error {
	w.ctrl = append(w.ctrl, frame{op: op, deadIn: w.dead})
	if len(w.ctrl)-1 > w.st.nesting {
		w.st.nesting = len(w.ctrl) - 1
	}
	if len(w.ctrl)-1 > w.lim.MaxNesting {
		return errorf(ErrLimit, w.where, "block nesting %d exceeds limit %d", len(w.ctrl)-1, w.lim.MaxNesting)
	}
	return nil
}

func (w *walker) instr(op byte, start int) error {
	r := &w.r
	switch {
	case op == 0x02 || op == 0x03 || op == 0x04: // block, loop, if
		return w.structured(op, start)
	case op == 0x05: // else
		if len(w.ctrl) < 2 || w.ctrl[len(w.ctrl)-1].op != 0x04 {
			return malformed(w.where, "else without if (offset %d)", start)
		}
		if w.ctrl[len(w.ctrl)-1].simple {
			w.cur = append(w.cur, op)
			return nil
		}
		w.flush()
		w.out = append(w.out, op)
		w.dead = w.ctrl[len(w.ctrl)-1].deadIn
	case op == 0x0b: // end
		return w.end(start)
	case op == 0x00: // unreachable
		w.needGlobal()
		w.rawOp(start)
		w.flush()
		w.dead = true
	case op == 0x0f: // return: the gas is the last result
		w.cur = append(w.cur, opLocalGet)
		w.cur = appendU32(w.cur, w.s.g)
		w.rawOp(start)
		w.flush()
		w.dead = true
	case op == 0x0c || op == 0x0d: // br, br_if
		l, err := r.u32()
		if err != nil {
			return err
		}
		if err := w.target(l); err != nil {
			return err
		}
		w.rawOp(start)
		if op == 0x0d && !w.targetsLoop(l) {
			// a forward br_if: the fall-through stays in this metered
			// block (overcharged at most once when the branch is taken)
			return nil
		}
		w.flush()
		w.dead = w.dead || op == 0x0c
	case op == 0x0e:
		return w.brTable(start)
	case op == 0x10 || op == 0x11:
		return w.call(op, start)
	case op == 0x01 || op == 0x1a || op == 0x1b: // nop, drop, select
		w.rawOp(start)
	case op == 0x1c: // select t*
		if _, err := valTypes(r); err != nil {
			return err
		}
		w.rawOp(start)
	case op >= 0x20 && op <= 0x24: // local.*, global.*
		idx, err := r.u32()
		if err != nil {
			return err
		}
		if op <= 0x22 && int(idx) >= w.st.locals {
			return errorf(ErrInvalid, w.where, "unknown local %d (offset %d)", idx, start)
		}
		if op <= 0x22 && idx >= w.np {
			// declared locals follow the two extra parameters
			w.cur = append(w.cur, op)
			w.cur = appendU32(w.cur, idx+2)
			w.trivial = false
			if !w.free {
				w.cost += opCost(op, 0)
			}
			return nil
		}
		if op >= 0x23 && idx >= w.m.importGlobs+w.m.globals {
			return errorf(ErrInvalid, w.where, "unknown global %d (offset %d)", idx, start)
		}
		w.rawOp(start)
	case op >= 0x28 && op <= 0x3e:
		return w.memArg(start)
	case op == 0x3f || op == 0x40:
		return w.memorySizeGrow(op, start)
	case op >= 0x41 && op <= 0x44:
		return w.constant(op, start)
	case op >= 0x45 && op <= 0xc4:
		if mayTrap(op) {
			w.needGlobal()
		}
		w.raw(start, opCost(op, 0))
		if t := nanOp(op); t != 0 {
			w.cur = canonNaN(w.cur, &w.s, t)
		}
	case op == 0xfc:
		return w.prefixFC(start)
	default:
		return w.badOpcode(op, start)
	}
	return nil
}

func (w *walker) badOpcode(op byte, start int) error {
	switch op {
	case 0x06, 0x07, 0x08, 0x09, 0x18, 0x19, 0x0a:
		return w.forbidden("exception handling instruction 0x%02x", op)
	case 0x12, 0x13:
		return w.forbidden("tail call instruction 0x%02x", op)
	case 0x25, 0x26:
		return w.forbidden("table instruction 0x%02x", op)
	case 0xd0, 0xd1, 0xd2:
		return w.forbidden("reference instruction 0x%02x", op)
	case 0xfd:
		return w.forbidden("SIMD instruction")
	case 0xfe:
		return w.forbidden("atomic (threads) instruction")
	}
	return malformed(w.where, "illegal opcode 0x%02x (offset %d)", op, start)
}

// structured handles block, loop and if.
func (w *walker) structured(op byte, start int) error {
	if err := w.blockType(); err != nil {
		return err
	}
	if err := w.push(op); err != nil {
		return err
	}
	if op == 0x04 {
		if cost, ok := w.scanSimpleIf(); ok {
			w.raw(start, cost)
			w.ctrl[len(w.ctrl)-1].simple = true
			w.free = true
			return nil
		}
	}
	w.rawOp(start)
	switch {
	case op == 0x03 && w.trivial:
		// The function starts with a loop (Go's resume loop): its entry
		// cost rides on the loop's first block instead of a charge of
		// its own, overcharging each further iteration by that much.
		w.out = append(w.out, w.cur...)
		w.cur = w.cur[:0]
		w.trivial = false
	case op != 0x02:
		w.flush()
	}
	if op == 0x03 {
		w.check = true
	}
	return nil
}

func (w *walker) targetsLoop(depth uint32) bool {
	return int(depth) < len(w.ctrl) && w.ctrl[len(w.ctrl)-1-int(depth)].op == 0x03
}

func (w *walker) blockType() error {
	r := &w.r
	if r.eof() {
		return r.fail("unexpected end")
	}
	switch c := r.b[r.pos]; c {
	case blockEmpty, valI32, valI64, valF32, valF64:
		r.pos++
		return nil
	case valV128, valFuncref, valExtern:
		r.pos++
		return checkValType(r, c)
	}
	idx, err := r.sleb(33)
	if err != nil {
		return err
	}
	if idx < 0 || idx >= int64(len(w.m.types)) {
		return malformed(w.where, "unknown type %d (offset %d)", idx, r.pos)
	}
	return nil
}

func (w *walker) end(start int) error {
	f := w.ctrl[len(w.ctrl)-1]
	w.ctrl = w.ctrl[:len(w.ctrl)-1]
	switch {
	case len(w.ctrl) == 0: // the function's end
		w.rawOp(start) // ends the body's block
		w.flush()
		w.out = append(w.out, opLocalGet)
		w.out = appendU32(w.out, w.s.g)
		w.out = append(w.out, opEnd)
	case f.simple:
		w.cur = append(w.cur, opEnd)
		w.free = false
	case f.op == 0x03 || (f.op == 0x02 && !f.targeted):
		// reached only by falling through the current metered block
		w.rawOp(start)
	default:
		w.flush()
		w.out = append(w.out, opEnd)
		w.dead = f.deadIn
	}
	return nil
}

func (w *walker) brTable(start int) error {
	r := &w.r
	n, err := r.count(1)
	if err != nil {
		return err
	}
	if int(n) > w.lim.MaxBrTable {
		return errorf(ErrLimit, w.where, "br_table with %d targets exceeds limit %d", n, w.lim.MaxBrTable)
	}
	if w.bud.brTargets += int(n); w.bud.brTargets > w.lim.MaxBrTableTotal {
		return errorf(ErrLimit, w.where, "%d br_table targets in the module exceeds limit %d", w.bud.brTargets, w.lim.MaxBrTableTotal)
	}
	for i := uint32(0); i <= n; i++ {
		l, err := r.u32()
		if err != nil {
			return err
		}
		if err := w.target(l); err != nil {
			return err
		}
	}
	w.rawOp(start)
	w.flush()
	w.dead = true
	return nil
}

func (w *walker) call(op byte, start int) error {
	r := &w.r
	callee, err := r.u32()
	if err != nil {
		return err
	}
	var typ uint32
	if op == 0x11 {
		typ = callee
		if typ >= w.x.types {
			return errorf(ErrInvalid, w.where, "unknown type %d (offset %d)", typ, start)
		}
		table, err := r.u32()
		if err != nil {
			return err
		}
		if table != 0 {
			return w.forbidden("call_indirect on table %d (one table only)", table)
		}
		if len(w.m.tables) == 0 {
			return errorf(ErrInvalid, w.where, "unknown table 0 (offset %d)", start)
		}
	} else if callee >= w.m.importFuncs+uint32(len(w.m.funcs)) {
		return errorf(ErrInvalid, w.where, "unknown function %d (offset %d)", callee, start)
	}
	if op == 0x10 && callee < w.m.importFuncs {
		w.needGlobal()              // the host reads and charges the global
		w.raw(start, opCost(op, 0)) // host functions never re-enter Wasm
		w.cur = reloadGas(w.cur, &w.s)
		return nil
	}
	if op == 0x11 {
		w.needGlobal() // a bad table entry traps
	}
	// the callee takes g and r - 1 and returns its balance; a
	// call_indirect's table index goes on top of them
	if op == 0x11 {
		w.cur = append(w.cur, opLocalSet)
		w.cur = appendU32(w.cur, w.s.t32)
	}
	w.cur = append(w.cur, opLocalGet)
	w.cur = appendU32(w.cur, w.s.g)
	w.cur = append(w.cur, opLocalGet)
	w.cur = appendU32(w.cur, w.s.r)
	w.cur = append(w.cur, opI64Const, 1, opI64Sub)
	if op == 0x11 {
		w.cur = append(w.cur, opLocalGet)
		w.cur = appendU32(w.cur, w.s.t32)
	}
	w.cur = append(w.cur, op)
	if op == 0x11 {
		w.cur = appendU32(w.cur, w.x.ext(typ))
		w.cur = append(w.cur, 0)
	} else {
		w.cur = appendU32(w.cur, callee)
	}
	w.trivial = false
	if !w.free {
		w.cost += opCost(op, 0)
	}
	w.cur = append(w.cur, opLocalSet)
	w.cur = appendU32(w.cur, w.s.g)
	w.stale = true
	return nil
}

func (w *walker) memArg(start int) error {
	r := &w.r
	align, err := r.u32()
	if err != nil {
		return err
	}
	if align&0x40 != 0 {
		return w.forbidden("multiple memories")
	}
	if err := w.needMemory(start); err != nil {
		return err
	}
	if op := w.r.b[start]; align > naturalAlign[op-0x28] {
		return errorf(ErrInvalid, w.where, "alignment must not be larger than natural (offset %d)", start)
	}
	if _, err := r.u32(); err != nil {
		return err
	}
	w.needGlobal() // out of bounds traps
	w.rawOp(start)
	return nil
}

// naturalAlign is log2 of the access size of loads and stores 0x28..0x3e.
var naturalAlign = [...]uint32{2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 3, 2, 3, 0, 1, 0, 1, 2}

func (w *walker) needMemory(start int) error {
	if len(w.m.memories) == 0 {
		return errorf(ErrInvalid, w.where, "unknown memory 0 (offset %d)", start)
	}
	return nil
}

func (w *walker) zeroByte() error {
	c, err := w.r.byte()
	if err != nil {
		return err
	}
	if c != 0 {
		return malformed(w.where, "zero byte expected (offset %d)", w.r.pos-1)
	}
	return nil
}

func (w *walker) memorySizeGrow(op byte, start int) error {
	if err := w.zeroByte(); err != nil {
		return err
	}
	if err := w.needMemory(start); err != nil {
		return err
	}
	if op == 0x3f {
		w.rawOp(start)
		return nil
	}
	if !w.free {
		w.cost += costMemoryGrow
	}
	w.cur = memoryGrow(w.cur, &w.s)
	return nil
}

func (w *walker) constant(op byte, start int) error {
	if err := w.r.constImm(op); err != nil {
		return err
	}
	w.rawOp(start)
	return nil
}

func (w *walker) prefixFC(start int) error {
	r := &w.r
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 7: // saturating float-to-int
		w.rawOp(start)
		return nil
	case sub == 8: // memory.init
		if _, err := r.u32(); err != nil {
			return err
		}
		err = w.zeroByte()
	case sub == 9: // data.drop
		_, err = r.u32()
		if err == nil {
			w.rawOp(start)
		}
		return err
	case sub == 10: // memory.copy
		if err = w.zeroByte(); err == nil {
			err = w.zeroByte()
		}
	case sub == 11: // memory.fill
		err = w.zeroByte()
	case sub <= 17:
		return w.forbidden("table instruction 0xfc %d", sub)
	default:
		return malformed(w.where, "illegal opcode 0xfc %d (offset %d)", sub, start)
	}
	if err != nil {
		return err
	}
	if err := w.needMemory(start); err != nil {
		return err
	}
	w.cur = bulkCharge(w.cur, &w.s)
	w.raw(start, opCost(0xfc, sub))
	return nil
}

// mayTrap reports whether a numeric instruction (0x45..0xc4) can trap:
// integer div/rem and the non-saturating float-to-int conversions.
func mayTrap(op byte) bool {
	switch op {
	case 0x6d, 0x6e, 0x6f, 0x70, 0x7f, 0x80, 0x81, 0x82, // div, rem
		0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1: // trunc
		return true
	}
	return false
}
