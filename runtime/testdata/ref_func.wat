;; ref.func. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1) (elem declare func $f) (func $f)
  (func (export "validate") (drop (ref.func $f))))
