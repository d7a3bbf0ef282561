;; An import outside the allow-list: rejected at store time.
(module (import "env" "now" (func (result i64)))
  (memory (export "memory") 1) (func (export "validate")))
