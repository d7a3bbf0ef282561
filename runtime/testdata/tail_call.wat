;; Tail calls (return_call). ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1)
  (func $f (return_call $f))
  (func (export "validate") (call $f)))
