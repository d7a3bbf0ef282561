;; initialize.wat: a reactor; _initialize stores 42, validate outputs it.
;; Build: wat2wasm initialize.wat -o initialize.wasm
(module
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (import "assay" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "init")
  (func (export "_initialize")
    (call $log (i32.const 16) (i32.const 4))
    (i32.store (i32.const 0) (i32.const 42)))
  (func (export "validate")
    (call $output_write (i32.const 0) (i32.const 4)))
)
