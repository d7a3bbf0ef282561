;; An imported global: rejected at store time.
(module (import "env" "g" (global i32))
  (memory (export "memory") 1) (func (export "validate")))
