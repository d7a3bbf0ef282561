;; Work after the last gas check point of a function: an if arm, a block
;; after a br_if fall-through and a callee's tail, each with straight-line
;; code and a host call, then a plain return. ACCEPTED; with limit = gas
;; used - 1 it must still end FAILED out_of_gas (a charge that is never
;; checked would let it return ACCEPTED with negative gas).
(module
  (import "assay" "input_len" (func $len (result i32)))
  (import "assay" "output_write" (func $out (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "tail")
  (func $tail (param $x i32) (result i32)
    (i32.add (i32.add (i32.add (local.get $x) (i32.const 1)) (i32.const 2)) (i32.const 3)))
  (func (export "validate") (local $x i32)
    (block $b
      (br_if $b (call $len))
      (local.set $x (i32.add (i32.add (local.get $x) (i32.const 7)) (i32.const 8))))
    (if (i32.eqz (call $len))
      (then
        (local.set $x (i32.mul (i32.add (local.get $x) (i32.const 1)) (i32.const 3)))
        (drop (call $tail (local.get $x)))
        (call $out (i32.const 0) (i32.const 4))))))
