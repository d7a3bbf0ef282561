;; Call depth through the rewriter's depth parameter. The host calls an
;; export at depth 0; each call one deeper; abi.MaxCallDepth (1000) is the
;; deepest allowed.
;;   down n: $down (exported too) at depth 0 recurses n times: ok up to
;;     1000, stack_limit at 1001.
;;   via n: the export at depth 0 calls $down: ok up to 999.
;;   indirect n: like down but through call_indirect.
;; Build: wat2wasm testdata/depth.wat -o testdata/depth.wasm
(module
  (memory (export "memory") 1)
  (type $t (func (param i32)))
  (table 1 funcref)
  (elem (i32.const 0) $indirect)
  (func (export "validate"))
  (func $down (export "down") (param $n i32)
    (if (local.get $n)
      (then (call $down (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "via") (param $n i32) (call $down (local.get $n)))
  (func $indirect (export "indirect") (param $n i32)
    (if (local.get $n)
      (then (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)))))
  ;; multiple results and branches to the function's label: 0 -> (7, 8)
  ;; by br_if, 1 -> (11, 12) by return, 2 -> (13, 14) by the end, 3 ->
  ;; (9, 10) by br_table
  (func (export "multi") (param $n i32) (result i32 i64)
    (block $b (result i32 i64)
      (br_if 1 (i32.const 7) (i64.const 8) (i32.eqz (local.get $n)))
      (br_table $b $b 1 (i32.const 9) (i64.const 10) (i32.sub (local.get $n) (i32.const 1))))
    (drop) (drop)
    (if (i32.eq (local.get $n) (i32.const 1))
      (then (return (i32.const 11) (i64.const 12))))
    (i32.const 13) (i64.const 14))
)
