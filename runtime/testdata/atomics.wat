;; Threads (shared memory, atomic load). ;; Forbidden at store time (DESIGN §3): rejected.
(module (memory (export "memory") 1 1 shared)
  (func (export "validate") (drop (i32.atomic.load (i32.const 0)))))
