;; init_input.wat: _initialize asks for the input, which does not exist
;; during initialization; store-time rejection.
;; Build: wat2wasm init_input.wat -o init_input.wasm
(module
  (import "assay" "input_len" (func $input_len (result i32)))
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "_initialize") (drop (call $input_len)))
  (func (export "validate") (call $output_write (i32.const 0) (i32.const 0)))
)
