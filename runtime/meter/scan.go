package meter

// scanSimpleIf looks ahead from just after an if's block type. If neither
// arm holds control flow (no block, loop, if, branch, return or
// unreachable), the whole if is charged up front in the enclosing metered
// block as 2 + the cost of its dearer arm, and its arms and end start no
// metered block of their own. It reports the charge and whether the if is
// simple. Each byte is scanned at most once per enclosing if, and the scan
// of an if stops at its first nested control instruction, so the total
// work stays linear in the body size.
func (w *walker) scanSimpleIf() (uint64, bool) {
	r := reader{b: w.r.b, pos: w.r.pos, where: w.where}
	var arms [2]uint64
	arm := 0
	for {
		op, sub, err := skipInstr(&r)
		if err != nil {
			return 0, false
		}
		switch op {
		case 0x05:
			if arm == 1 {
				return 0, false
			}
			arm = 1
		case 0x0b:
			return 2 + max(arms[0], arms[1]), true
		case 0x00, 0x02, 0x03, 0x04, 0x0c, 0x0d, 0x0e, 0x0f:
			return 0, false
		default:
			arms[arm] += opCost(op, sub)
		}
	}
}

// skipInstr decodes one instruction's opcode and skips its immediates.
// It validates nothing beyond decoding; the walker reports errors.
func skipInstr(r *reader) (op byte, sub uint32, err error) {
	if op, err = r.byte(); err != nil {
		return 0, 0, err
	}
	switch {
	case op == 0x02 || op == 0x03 || op == 0x04:
		if !r.eof() && (r.b[r.pos] == blockEmpty || r.b[r.pos] >= 0x6f) {
			r.pos++
		} else {
			_, err = r.sleb(33)
		}
	case op == 0x0c || op == 0x0d || (op >= 0x20 && op <= 0x24) || op == 0x10:
		_, err = r.u32()
	case op == 0x11:
		if _, err = r.u32(); err == nil {
			_, err = r.u32()
		}
	case op == 0x0e:
		var n uint32
		if n, err = r.count(1); err == nil {
			for i := uint32(0); i <= n && err == nil; i++ {
				_, err = r.u32()
			}
		}
	case op == 0x1c:
		_, err = valTypes(r)
	case op >= 0x28 && op <= 0x3e:
		if _, err = r.u32(); err == nil {
			_, err = r.u32()
		}
	case op == 0x3f || op == 0x40:
		_, err = r.byte()
	case op >= 0x41 && op <= 0x44:
		err = r.constImm(op)
	case op == 0xfc:
		sub, err = skipFC(r)
	case op <= 0x1b || (op >= 0x45 && op <= 0xc4):
	default:
		err = r.fail("opcode 0x%02x", op)
	}
	return op, sub, err
}

func skipFC(r *reader) (uint32, error) {
	sub, err := r.u32()
	if err != nil {
		return 0, err
	}
	switch sub {
	case 8:
		if _, err = r.u32(); err == nil {
			_, err = r.byte()
		}
	case 9:
		_, err = r.u32()
	case 10:
		_, err = r.bytes(2)
	case 11:
		_, err = r.byte()
	default:
		if sub > 7 {
			err = r.fail("opcode 0xfc %d", sub)
		}
	}
	return sub, err
}
