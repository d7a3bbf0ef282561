;; Recursion 900 deep (below the 1,000-frame cap) that returns: ACCEPTED,
;; output = the depth reached (4 bytes LE).
(module
  (import "assay" "output_write" (func $out (param i32 i32)))
  (memory (export "memory") 1)
  (func $down (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "validate")
    (i32.store (i32.const 0) (call $down (i32.const 900)))
    (call $out (i32.const 0) (i32.const 4))))
