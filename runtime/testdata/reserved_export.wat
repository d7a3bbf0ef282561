;; Exports a name in the reserved assay: namespace: rejected at store time.
(module (memory (export "memory") 1) (global (export "assay:gas") (mut i64) (i64.const 0))
  (func (export "validate")))
