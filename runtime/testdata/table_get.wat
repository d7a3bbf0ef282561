;; table.get. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1) (table $t 1 funcref)
  (func (export "validate") (drop (table.get $t (i32.const 0)))))
