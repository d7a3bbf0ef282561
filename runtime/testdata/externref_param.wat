;; An externref parameter. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1)
  (func $f (param externref))
  (func (export "validate")))
