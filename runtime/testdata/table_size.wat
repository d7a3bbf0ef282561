;; table.size. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1) (table $t 1 funcref)
  (func (export "validate") (drop (table.size $t))))
