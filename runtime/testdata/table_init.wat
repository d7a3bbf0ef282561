;; table.init and elem.drop with a passive element segment. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1) (table 2 funcref)
  (elem $e func $f) (func $f)
  (func (export "validate") (table.init $e (i32.const 0) (i32.const 0) (i32.const 1)) (elem.drop $e)))
