;; The same bomb without recursion: seven distinct functions, each calling
;; the next 16 times (16^6 = 16.7M leaf calls). FAILED out_of_gas.
(module
  (memory (export "memory") 1)
  (func $f6)
  (func $f5 (call $f6) (call $f6) (call $f6) (call $f6) (call $f6) (call $f6) (call $f6) (call $f6)
            (call $f6) (call $f6) (call $f6) (call $f6) (call $f6) (call $f6) (call $f6) (call $f6))
  (func $f4 (call $f5) (call $f5) (call $f5) (call $f5) (call $f5) (call $f5) (call $f5) (call $f5)
            (call $f5) (call $f5) (call $f5) (call $f5) (call $f5) (call $f5) (call $f5) (call $f5))
  (func $f3 (call $f4) (call $f4) (call $f4) (call $f4) (call $f4) (call $f4) (call $f4) (call $f4)
            (call $f4) (call $f4) (call $f4) (call $f4) (call $f4) (call $f4) (call $f4) (call $f4))
  (func $f2 (call $f3) (call $f3) (call $f3) (call $f3) (call $f3) (call $f3) (call $f3) (call $f3)
            (call $f3) (call $f3) (call $f3) (call $f3) (call $f3) (call $f3) (call $f3) (call $f3))
  (func $f1 (call $f2) (call $f2) (call $f2) (call $f2) (call $f2) (call $f2) (call $f2) (call $f2)
            (call $f2) (call $f2) (call $f2) (call $f2) (call $f2) (call $f2) (call $f2) (call $f2))
  (func $f0 (call $f1) (call $f1) (call $f1) (call $f1) (call $f1) (call $f1) (call $f1) (call $f1)
            (call $f1) (call $f1) (call $f1) (call $f1) (call $f1) (call $f1) (call $f1) (call $f1))
  (func (export "validate") (call $f0)))
