;; Unbounded direct recursion: FAILED stack_limit.
(module
  (memory (export "memory") 1)
  (func $f (call $f))
  (func (export "validate") (call $f)))
