;; memory.grow 0xffffffff pages: the per-page charge exceeds any gas limit.
;; FAILED out_of_gas, in constant time.
(module
  (memory (export "memory") 1)
  (func (export "validate")
    (drop (memory.grow (i32.const -1)))))
