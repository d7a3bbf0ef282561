;; A 64-bit memory. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") i64 1)
  (func (export "validate")))
