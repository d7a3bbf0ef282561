;; INVALID module (build with --no-check): local 3 does not exist (the
;; function has none). After the rewriter appends scratch locals the index
;; would become valid. Must be rejected at store time.
(module
  (memory (export "memory") 1)
  (func (export "validate")
    (drop (local.get 3))))
