;; Unbounded recursion through call_indirect: FAILED stack_limit.
(module
  (type $v (func))
  (memory (export "memory") 1)
  (table 1 funcref)
  (elem (i32.const 0) $f)
  (func $f (call_indirect (type $v) (i32.const 0)))
  (func (export "validate") (call $f)))
