;; Grows past the declared maximum (2 pages): memory.grow returns -1 as the
;; spec says. ACCEPTED; output = the two results (8 bytes LE: 1, -1).
(module
  (import "assay" "output_write" (func $out (param i32 i32)))
  (memory (export "memory") 1 2)
  (func (export "validate")
    (i32.store (i32.const 0) (memory.grow (i32.const 1)))
    (i32.store (i32.const 4) (memory.grow (i32.const 100)))
    (call $out (i32.const 0) (i32.const 8))))
