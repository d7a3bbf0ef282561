;; A start section (code that would run at instantiation): rejected at store time.
(module (memory (export "memory") 1)
  (func $s (loop $l (br $l)))
  (start $s)
  (func (export "validate")))
