;; Unbounded mutual recursion: FAILED stack_limit.
(module
  (memory (export "memory") 1)
  (func $a (call $b))
  (func $b (call $a))
  (func (export "validate") (call $a)))
