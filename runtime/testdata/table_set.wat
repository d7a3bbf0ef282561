;; table.set. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1) (table $t 1 funcref)
  (func (export "validate") (table.set $t (i32.const 0) (ref.null func))))
