;; A terminating loop: 10,000 iterations, then writes the counter (4 bytes
;; LE) as output. ACCEPTED. The test also runs it with limit = gas used
;; (ACCEPTED, 0 left) and gas used - 1 (FAILED out_of_gas).
(module
  (import "assay" "output_write" (func $out (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "validate") (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.const 10000)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.store (i32.const 0) (local.get $i))
    (call $out (i32.const 0) (i32.const 4))))
