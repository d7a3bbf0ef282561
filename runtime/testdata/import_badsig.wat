;; An allowed import with another signature: rejected at store time.
(module (import "assay" "input_len" (func (param i32) (result i32)))
  (memory (export "memory") 1) (func (export "validate")))
