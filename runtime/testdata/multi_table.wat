;; A second table. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1) (table 1 funcref) (table 1 funcref)
  (func (export "validate")))
