;; An imported table: rejected at store time.
(module (import "env" "t" (table 1 funcref))
  (memory (export "memory") 1) (func (export "validate")))
