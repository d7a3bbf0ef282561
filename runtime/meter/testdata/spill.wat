;; Each function runs unchecked metered blocks, then one instruction that
;; traps or not depending on the argument, in a metered block with no
;; other reason to write the gas global, then a loop whose block costs 3
;; (loop end, local.get, function end). The rewriter keeps the gas balance
;; in a local, so the global read after a trap must still hold every
;; charge: a trapping call uses exactly 3 gas less than one that does not.
;; Build: wat2wasm testdata/spill.wat -o testdata/spill.wasm
(module
  (memory (export "memory") 1)
  (func (export "validate"))
  (func $warm (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func (export "div") (param $d i32) (result i32)
    (local $i i32) (local $r i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.set $r (i32.div_u (local.get $i) (local.get $d)))
    (loop $m)
    (local.get $r))
  (func (export "rem") (param $d i64) (result i64)
    (local $i i64) (local $r i64)
    (loop $l
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.lt_u (local.get $i) (i64.const 3))))
    (local.set $r (i64.rem_s (local.get $i) (local.get $d)))
    (loop $m)
    (local.get $r))
  (func (export "trunc") (param $bits i32) (result i32)
    (local $i i32) (local $r i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.set $r (i32.trunc_f32_s (f32.reinterpret_i32 (local.get $bits))))
    (loop $m)
    (local.get $r))
  (func (export "load") (param $addr i32) (result i32)
    (local $i i32) (local $r i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.set $r (i32.load (local.get $addr)))
    (loop $m)
    (local.get $r))
  (func (export "store") (param $addr i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (i64.store (local.get $addr) (i64.const 1))
    (loop $m)
    (local.get $i))
  (func (export "aftercall") (param $d i32) (result i32)
    (local $r i32)
    (drop (call $warm (i32.const 5)))
    (local.set $r (i32.div_s (i32.const 7) (local.get $d)))
    (loop $m)
    (local.get $r))
  ;; The call returns the gas in the local, not in the global: the div
  ;; after it must see a spill even when the simple if's arm that spills
  ;; (before its load) is skipped, as it is when $d is 0.
  (func (export "ifcall") (param $d i32) (result i32)
    (local $r i32)
    (drop (call $warm (i32.const 5)))
    (if (local.get $d) (then (drop (i32.load (i32.const 0)))))
    (local.set $r (i32.div_s (i32.const 7) (local.get $d)))
    (loop $m)
    (local.get $r))
)
