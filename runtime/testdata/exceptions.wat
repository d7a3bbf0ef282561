;; Exception handling (tag, throw). ;; Forbidden at store time (DESIGN §3): rejected.
(module (tag $e) (memory (export "memory") 1)
  (func (export "validate") (throw $e)))
