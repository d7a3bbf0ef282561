;; INVALID module (build with --no-check): exports global 0, which does
;; not exist; after the rewrite it would be the gas global under another
;; name. Must be rejected at store time.
(module
  (memory (export "memory") 1)
  (export "g" (global 0))
  (func (export "validate")))
