;; Grows memory one page at a time forever (no declared maximum): the job's
;; memory limit stops it. FAILED memory_limit.
(module
  (memory (export "memory") 1)
  (func (export "validate")
    (loop $l
      (drop (memory.grow (i32.const 1)))
      (br $l))))
