package conformance

// Binary operators [i32 i32] -> [i32] and unary [i32] -> [i32] the
// generator draws from (div/rem can trap).
var (
	genBinops = []byte{0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
		0x6d, 0x6e, 0x6f, 0x70, 0x48, 0x46, 0x4f}
	genUnops = []byte{0x45, 0x67, 0x68, 0x69, 0xc0, 0xc1}
)

// expr emits code that pushes exactly one i32.
func (g *generator) expr(depth int) {
	g.budget--
	if depth > genMaxDepth {
		g.op(0x41, byte(g.choice(64)))
		return
	}
	n := 12
	if g.floats {
		n = 13
	}
	switch g.choice(n) {
	case 12:
		g.floatToI32(depth)
	case 0:
		g.op(0x41)
		g.b = sleb(g.b, int64(int32(uint32(g.choice(256))<<uint(g.choice(4)*8))))
	case 1:
		g.op(0x20, byte(g.choice(1+genLocals)))
	case 2:
		g.expr(depth + 1)
		g.expr(depth + 1)
		g.op(genBinops[g.choice(len(genBinops))])
	case 3:
		g.expr(depth + 1)
		g.op(genUnops[g.choice(len(genUnops))])
	case 4:
		g.address(depth)
		g.op(0x28, 2, 0) // i32.load align=4 offset=0
	case 5:
		g.expr(depth + 1)
		if f, ok := g.callee(); ok {
			g.op(0x10, f)
		}
	case 6:
		g.op(0x02, valI32)
		g.labels = append(g.labels, genLabel{arity: 1})
		g.stmts(depth + 1)
		g.expr(depth + 1)
		g.labels = g.labels[:len(g.labels)-1]
		g.op(0x0b)
	case 7:
		g.ifExpr(depth)
	case 8:
		g.brIfValue(depth)
	case 9:
		g.op(0x3f, 0) // memory.size
	case 10:
		g.expr(depth + 1)
		g.op(0x41, 3, 0x71, 0x40, 0) // memory.grow (x & 3)
	default:
		g.expr(depth + 1)
		g.expr(depth + 1)
		g.expr(depth + 1)
		g.op(0x1b) // select
	}
}

// address pushes an in-bounds, aligned address, or (rarely) any value,
// which may trap.
func (g *generator) address(depth int) {
	g.expr(depth + 1)
	if g.choice(8) != 7 {
		g.op(0x41, 0xfc, 0xff, 0x03, 0x71) // & 0xfffc
	}
}

func (g *generator) ifExpr(depth int) {
	g.expr(depth + 1)
	g.op(0x04, valI32)
	g.labels = append(g.labels, genLabel{arity: 1})
	g.stmts(depth + 1)
	g.expr(depth + 1)
	g.op(0x05)
	g.stmts(depth + 1)
	g.expr(depth + 1)
	g.labels = g.labels[:len(g.labels)-1]
	g.op(0x0b)
}

// brIfValue: value, cond, br_if to an enclosing i32 block (leaves the value).
func (g *generator) brIfValue(depth int) {
	rel, ok := g.pickLabel(1)
	g.expr(depth + 1)
	if !ok {
		return
	}
	g.expr(depth + 1)
	g.op(0x0d, byte(rel))
}

// pickLabel returns the relative depth of an enclosing non-loop label of
// the given arity.
func (g *generator) pickLabel(arity int) (int, bool) {
	var rels []int
	for i, l := range g.labels {
		if l.arity == arity && !l.loop {
			rels = append(rels, len(g.labels)-1-i)
		}
	}
	if len(rels) == 0 {
		return 0, false
	}
	return rels[g.choice(len(rels))], true
}

// stmt emits code with no net stack effect.
func (g *generator) stmt(depth int) {
	g.budget--
	if depth > genMaxDepth {
		return
	}
	switch g.choice(10) {
	case 0:
		g.expr(depth + 1)
		g.op(0x21, byte(1+g.choice(genLocals)))
	case 1:
		g.address(depth)
		g.expr(depth + 1)
		g.op(0x36, 2, 0) // i32.store
	case 2:
		g.expr(depth + 1)
		g.op(0x1a)
	case 3:
		g.op(0x02, 0x40)
		g.labels = append(g.labels, genLabel{})
		g.stmts(depth + 1)
		g.labels = g.labels[:len(g.labels)-1]
		g.op(0x0b)
	case 4:
		g.loop(depth)
	case 5:
		g.expr(depth + 1)
		g.op(0x04, 0x40)
		g.labels = append(g.labels, genLabel{})
		g.stmts(depth + 1)
		if g.choice(2) == 1 {
			g.op(0x05)
			g.stmts(depth + 1)
		}
		g.labels = g.labels[:len(g.labels)-1]
		g.op(0x0b)
	case 6:
		if rel, ok := g.pickLabel(0); ok {
			g.expr(depth + 1)
			g.op(0x0d, byte(rel))
		}
	case 7:
		g.brTable(depth)
	case 8:
		g.expr(depth + 1)
		g.op(0x0f) // return
	default:
		if f, ok := g.callee(); ok {
			g.expr(depth + 1)
			g.op(0x10, f, 0x1a)
		}
	}
}

// loop runs its body at most genLoopBounds times per entry, counted in
// its own local.
func (g *generator) loop(depth int) {
	if g.counter >= 1+genLocals+genCounters {
		return
	}
	c := byte(g.counter)
	g.counter++
	g.op(0x41, 0, 0x21, c) // counter = 0
	g.op(0x03, 0x40)
	g.labels = append(g.labels, genLabel{loop: true})
	g.stmts(depth + 1)
	g.labels = g.labels[:len(g.labels)-1]
	bound := byte(1 + g.choice(genLoopBounds))
	g.op(0x20, c, 0x41, 1, 0x6a, 0x22, c, 0x41, bound, 0x49, 0x0d, 0, 0x0b)
}

func (g *generator) brTable(depth int) {
	if _, ok := g.pickLabel(0); !ok {
		return
	}
	g.expr(depth + 1)
	n := 1 + g.choice(4)
	g.op(0x0e, byte(n))
	for i := 0; i <= n; i++ {
		rel, _ := g.pickLabel(0)
		g.op(byte(rel))
	}
}
