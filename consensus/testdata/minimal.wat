;; The smallest Assay validator: writes "ok" and accepts.
;; Build: wat2wasm minimal.wat -o minimal.wasm
(module
  (import "assay" "output_write" (func $write (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "ok")
  (func (export "validate")
    (call $write (i32.const 0) (i32.const 2))))
