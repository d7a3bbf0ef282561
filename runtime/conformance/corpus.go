package conformance

import (
	"encoding/binary"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/sandbox"
)

// Case is one entry of the adversarial corpus in runtime/testdata: a
// module, the job to run it with, and its documented outcome, either a
// store-time rejection (Reject) or a verdict (Status, Kind). Gas used and
// output are pinned in runtime/testdata/golden.json.
type Case struct {
	Name        string // unique; the key in golden.json
	File        string // module file in runtime/testdata
	Input       []byte
	Gas         uint64 // gas limit; 0 = DefaultCaseGas
	MemoryPages uint32 // job memory limit; 0 = the node default

	Reject error      // meter sentinel the store-time check must return
	Status abi.Status // verdict when Reject is nil
	Kind   string     // FAILED kind when Status is FAILED
}

// DefaultCaseGas is the gas limit of a corpus case that sets none.
const DefaultCaseGas = 2_000_000

// MaxCaseGas is the largest gas limit a corpus case uses: the sandbox's
// default node maximum.
const MaxCaseGas = sandbox.DefaultMaxGas

func failed(kind string) (abi.Status, string) { return abi.StatusFailed, kind }

func trap(name string) string { return abi.KindTrapPrefix + name }

// bulkInput encodes the bulk.wat job: op, dst, src, len (u32 LE each).
func bulkInput(op, dst, src, n uint32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, op)
	b = binary.LittleEndian.AppendUint32(b, dst)
	b = binary.LittleEndian.AppendUint32(b, src)
	return binary.LittleEndian.AppendUint32(b, n)
}

// Corpus returns every case, rejections first, in a fixed order.
func Corpus() []Case {
	var cs []Case
	cs = append(cs, rejectCases()...)
	cs = append(cs, loopCases()...)
	cs = append(cs, bulkCases()...)
	return append(cs, trapCases()...)
}

func rejectCases() []Case {
	r := func(file string, kind error) Case {
		return Case{Name: "reject/" + file, File: file + ".wasm", Reject: kind}
	}
	forbidden := []string{"simd", "atomics", "atomic_fence", "exceptions", "tail_call",
		"multi_memory", "multi_table", "table_grow", "table_fill", "table_size",
		"table_get", "table_set", "table_copy", "table_init", "ref_null", "ref_func",
		"externref_param", "start"}
	var cs []Case
	for _, f := range forbidden {
		cs = append(cs, r(f, meter.ErrForbidden))
	}
	for _, f := range []string{"import_unknown", "import_badsig", "import_wasi_unknown",
		"import_memory", "import_global", "import_table"} {
		cs = append(cs, r(f, meter.ErrImport))
	}
	for _, f := range []string{"table_huge", "memory_huge", "locals_huge", "nesting_deep", "brtable_huge"} {
		cs = append(cs, r(f, meter.ErrLimit))
	}
	// A 64-bit memory's limits flag does not exist in the 32-bit format.
	cs = append(cs, r("memory64", meter.ErrMalformed))
	cs = append(cs, r("no_validate", meter.ErrExport), r("reserved_export", meter.ErrExport))
	// Invalid modules whose bad indexes the rewriter's appended globals
	// and locals would make valid.
	for _, f := range []string{"gas_refill", "local_oob", "export_oob"} {
		cs = append(cs, r(f, meter.ErrInvalid))
	}
	return cs
}

func loopCases() []Case {
	oog, oogKind := failed(abi.KindOutOfGas)
	stack, stackKind := failed(abi.KindStackLimit)
	mem, memKind := failed(abi.KindMemoryLimit)
	return []Case{
		{Name: "loop/infinite", File: "loop_infinite.wasm", Status: oog, Kind: oogKind},
		{Name: "loop/infinite_work", File: "loop_infinite_work.wasm", Status: oog, Kind: oogKind},
		{Name: "loop/count", File: "loop_count.wasm", Status: abi.StatusAccepted},
		{Name: "loop/tail_charge", File: "tail_charge.wasm", Status: abi.StatusAccepted},
		{Name: "calls/exp_tree", File: "calltree_exp.wasm", Status: oog, Kind: oogKind},
		{Name: "calls/unrolled_tree", File: "calltree_unrolled.wasm", Status: oog, Kind: oogKind},
		{Name: "calls/recurse_direct", File: "recurse_direct.wasm", Status: stack, Kind: stackKind},
		{Name: "calls/recurse_mutual", File: "recurse_mutual.wasm", Status: stack, Kind: stackKind},
		{Name: "calls/recurse_indirect", File: "recurse_indirect.wasm", Status: stack, Kind: stackKind},
		{Name: "calls/recurse_bounded", File: "recurse_bounded.wasm", Status: abi.StatusAccepted},
		{Name: "memory/grow_bomb", File: "memgrow_bomb.wasm", MemoryPages: 16, Status: mem, Kind: memKind},
		{Name: "memory/grow_bomb_node_max", File: "memgrow_bomb.wasm", Gas: MaxCaseGas, Status: mem, Kind: memKind},
		{Name: "memory/grow_past_max", File: "memgrow_max.wasm", Status: abi.StatusAccepted},
		{Name: "memory/grow_huge", File: "memgrow_huge.wasm", Gas: MaxCaseGas, Status: oog, Kind: oogKind},
		{Name: "float/nan", File: "nan.wasm", Status: abi.StatusAccepted},
		// Exactly at the default caps: stored, compiled and run.
		{Name: "caps/nesting", File: "nesting_cap.wasm", Status: abi.StatusAccepted},
		{Name: "caps/br_table", File: "brtable_cap.wasm", Status: abi.StatusAccepted},
		{Name: "caps/locals", File: "locals_cap.wasm", Status: abi.StatusAccepted},
	}
}

func bulkCases() []Case {
	const top = 2 * 65536 // bulk.wat has two pages
	ok := abi.StatusAccepted
	oob := trap("out_of_bounds_memory_access")
	c := func(name string, in []byte, gas uint64, st abi.Status, kind string) Case {
		return Case{Name: "bulk/" + name, File: "bulk.wasm", Input: in, Gas: gas, Status: st, Kind: kind}
	}
	f := abi.StatusFailed
	return []Case{
		c("fill_0", bulkInput(0, 0, 0, 0), 0, ok, ""),
		c("fill_0_at_end", bulkInput(0, top, 0, 0), 0, ok, ""),
		c("fill_0_past_end", bulkInput(0, top+1, 0, 0), 0, f, oob),
		c("fill_64k", bulkInput(0, 0, 0, 65536), 0, ok, ""),
		c("fill_to_end", bulkInput(0, 65536, 0, 65536), 0, ok, ""),
		c("fill_one_past_end", bulkInput(0, 65536, 0, 65537), 0, f, oob),
		c("fill_2e31_gas", bulkInput(0, 0, 0, 1<<31), 0, f, abi.KindOutOfGas),
		c("fill_max_gas", bulkInput(0, 0, 0, 1<<32-1), 0, f, abi.KindOutOfGas),
		c("fill_max_at_max_gas", bulkInput(0, 0, 0, 1<<32-1), MaxCaseGas, f, abi.KindOutOfGas),
		c("fill_1g_oob", bulkInput(0, 0, 0, 1<<30), MaxCaseGas, f, oob),
		c("copy_0", bulkInput(1, 0, 0, 0), 0, ok, ""),
		c("copy_overlap", bulkInput(1, 1, 0, 65536), 0, ok, ""),
		c("copy_src_past_end", bulkInput(1, 0, top-1, 2), 0, f, oob),
		c("copy_max_gas", bulkInput(1, 0, 0, 1<<32-1), 0, f, abi.KindOutOfGas),
		c("copy_1g_oob", bulkInput(1, 0, 0, 1<<30), MaxCaseGas, f, oob),
		c("init_all", bulkInput(2, 100, 0, 16), 0, ok, ""),
		c("init_0_at_end", bulkInput(2, 0, 16, 0), 0, ok, ""),
		c("init_past_segment", bulkInput(2, 0, 0, 17), 0, f, oob),
		c("init_0_past_segment", bulkInput(2, 0, 17, 0), 0, f, oob),
		c("init_max", bulkInput(2, 0, 0, 1<<32-1), 0, f, abi.KindOutOfGas),
		c("init_1g_oob", bulkInput(2, 0, 0, 1<<30), MaxCaseGas, f, oob),
		c("dropped_init_0", bulkInput(3, 0, 0, 0), 0, ok, ""),
		c("dropped_init_1", bulkInput(3, 0, 0, 1), 0, f, oob),
	}
}

func trapCases() []Case {
	f := abi.StatusFailed
	kinds := []string{
		trap("unreachable"), trap("integer_divide_by_zero"), trap("integer_overflow"),
		trap("invalid_conversion_to_integer"), trap("out_of_bounds_memory_access"),
		trap("out_of_bounds_memory_access"), trap("indirect_call_type_mismatch"),
		trap("invalid_table_access"), trap("invalid_table_access"), trap("host_bounds"),
		trap("host_bounds"),
	}
	names := []string{"unreachable", "div_zero", "int_overflow", "invalid_conversion",
		"load_oob", "store_oob", "indirect_type", "indirect_past_table", "indirect_null",
		"output_oob", "input_oob"}
	var cs []Case
	for i, k := range kinds {
		cs = append(cs, Case{Name: "trap/" + names[i], File: "traps.wasm", Input: []byte{byte(i)}, Status: f, Kind: k})
	}
	return append(cs,
		Case{Name: "trap/reject", File: "traps.wasm", Input: []byte{11}, Status: abi.StatusRejected},
		Case{Name: "trap/none", File: "traps.wasm", Input: []byte{12}, Status: abi.StatusAccepted},
		Case{Name: "trap/output_limit", File: "traps.wasm", Input: []byte{13}, Status: f, Kind: abi.KindOutputLimit},
		Case{Name: "trap/proc_exit", File: "traps.wasm", Input: []byte{14}, Status: f, Kind: trap("exit")})
}
