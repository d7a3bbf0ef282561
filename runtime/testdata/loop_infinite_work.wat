;; An infinite loop doing arithmetic and a conditional branch back:
;; FAILED out_of_gas.
(module
  (memory (export "memory") 1)
  (func (export "validate") (local $i i32) (local $acc i64)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
      (br_if $l (i32.const 1)))))
