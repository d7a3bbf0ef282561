;; table.copy. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1) (table 2 funcref)
  (func (export "validate") (table.copy (i32.const 0) (i32.const 1) (i32.const 1))))
