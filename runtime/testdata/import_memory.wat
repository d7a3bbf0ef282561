;; An imported memory: rejected at store time.
(module (import "env" "memory" (memory 1))
  (export "memory" (memory 0)) (func (export "validate")))
