;; SIMD. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1)
  (func (export "validate") (drop (v128.const i64x2 1 2))))
