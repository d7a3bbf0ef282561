;; Threads: atomic.fence on a plain memory. ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1)
  (func (export "validate") (atomic.fence)))
