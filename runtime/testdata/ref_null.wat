;; ref.null and ref.is_null. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1)
  (func (export "validate") (drop (ref.is_null (ref.null extern)))))
