;; INVALID module (build with --no-check): global index 0 does not exist.
;; The rewriter appends its gas global at index 0, so if the checker does
;; not validate global indexes against the original module this loop
;; refills its own gas forever. Must be rejected at store time.
(module
  (memory (export "memory") 1)
  (func (export "validate")
    (loop $l
      (global.set 0 (i64.const 1000000))
      (br $l))))
