;; (table 100000000 funcref) would allocate ~763 MB at instantiation: rejected (table cap).
(module (memory (export "memory") 1) (table 100000000 funcref)
  (func (export "validate")))
