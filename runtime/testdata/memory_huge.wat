;; A memory minimum above the node's 512-page cap: rejected at store time.
(module (memory (export "memory") 1000)
  (func (export "validate")))
