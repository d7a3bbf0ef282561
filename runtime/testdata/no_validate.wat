;; No validate export: rejected at store time.
(module (memory (export "memory") 1) (func (export "run")))
