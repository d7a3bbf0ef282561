package conformance

// A generator of valid Wasm modules driven by fuzz bytes: nested blocks,
// loops (each bounded by its own counter), ifs, br_if, br_table, return,
// calls (recursion allowed), loads and stores, small memory.grow, and
// (for half the inputs) f32/f64 arithmetic whose bits flow back into i32
// results. Being valid by construction, every module it makes must be
// accepted by the meter, compile on wazero, give identical results on both
// engines, and (without floats) behave exactly like its rewritten form
// until gas, depth or memory limits stop the latter.

const (
	genMaxDepth   = 6
	genBudget     = 600 // instructions emitted before only leaves are chosen
	genLocals     = 8   // general i32 locals after the parameter
	genCounters   = 8   // loop counter locals after those
	genMaxFuncs   = 3
	genLoopBounds = 8
)

type genLabel struct {
	arity int
	loop  bool
}

type generator struct {
	data    []byte
	pos     int
	budget  int
	nfuncs  int
	labels  []genLabel
	counter int  // next free loop counter local
	cur     int  // index of the function being generated
	floats  bool // float expressions enabled
	b       []byte
}

// choice returns the next decision in [0, n); 0 once the bytes or the
// budget run out, which always picks a leaf.
func (g *generator) choice(n int) int {
	if g.pos >= len(g.data) || g.budget <= 0 {
		return 0
	}
	c := int(g.data[g.pos]) % n
	g.pos++
	return c
}

func (g *generator) op(b ...byte) { g.b = append(g.b, b...) }

// GenModule builds a valid module from data. It exports "memory" and
// "run": () -> i32, which calls function 0 with a constant. floats
// reports whether the module uses float operations (then NaN bits may
// legitimately differ from an unmetered run).
func GenModule(data []byte) (wasm []byte, floats bool) {
	g := &generator{data: data, budget: genBudget}
	g.floats = g.choice(2) == 1
	g.nfuncs = g.choice(genMaxFuncs) + 1
	bodies := make([][]byte, g.nfuncs)
	for i := range bodies {
		g.cur = i
		bodies[i] = g.function()
	}
	run := []byte{0, 0x41}
	run = sleb(run, int64(int8(g.choice(256))))
	run = append(run, 0x10, 0, 0x0b)
	bodies = append(bodies, run)
	var funcs, code [][]byte
	for i, body := range bodies {
		t := byte(0)
		if i == g.nfuncs {
			t = 1
		}
		funcs = append(funcs, []byte{t})
		code = append(code, uleb(nil, uint64(len(body))), body)
	}
	b := append([]byte(nil), wasmHeader...)
	b = section(b, secType, vector([]byte{0x60, 1, valI32, 1, valI32}, []byte{0x60, 0, 1, valI32}))
	b = section(b, secFunc, vector(funcs...))
	b = section(b, secMemory, vector([]byte{1, 1, 4}))
	b = section(b, secExport, vector(
		cat(name(nil, "memory"), []byte{2, 0}),
		cat(name(nil, "run"), []byte{0}, uleb(nil, uint64(g.nfuncs)))))
	return section(b, secCode, cat(uleb(nil, uint64(len(bodies))), cat(code...))), g.floats
}

func (g *generator) function() []byte {
	g.b, g.budget, g.counter, g.labels = nil, genBudget, 1+genLocals, nil
	g.op(1, genLocals+genCounters, valI32)
	g.stmts(0)
	g.expr(0)
	g.op(0x0b)
	return g.b
}

func (g *generator) stmts(depth int) {
	for n := g.choice(4); n > 0; n-- {
		g.stmt(depth)
	}
}

// callee picks a function to call: a later one (a finite call tree), or
// rarely any one (recursion, stopped by the depth limit).
func (g *generator) callee() (byte, bool) {
	if g.choice(16) == 15 {
		return byte(g.choice(g.nfuncs)), true
	}
	if g.cur+1 >= g.nfuncs {
		return 0, false
	}
	return byte(g.cur + 1 + g.choice(g.nfuncs-g.cur-1)), true
}
