;; An empty infinite loop: FAILED out_of_gas with gas_used = limit.
(module
  (memory (export "memory") 1)
  (func (export "validate")
    (loop $l (br $l))))
