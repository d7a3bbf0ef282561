;; A loop-free exponential call tree: each level calls the next twice, 40
;; levels deep (2^40 calls, depth 41). No loop header for a timer to catch:
;; FAILED out_of_gas.
(module
  (memory (export "memory") 1)
  (func $f (param $n i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (call $f (i32.sub (local.get $n) (i32.const 1)))
    (call $f (i32.sub (local.get $n) (i32.const 1))))
  (func (export "validate") (call $f (i32.const 40))))
