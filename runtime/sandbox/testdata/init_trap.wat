;; init_trap.wat: _initialize traps (unreachable); store-time rejection.
;; Build: wat2wasm init_trap.wat -o init_trap.wasm
(module
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "_initialize") unreachable)
  (func (export "validate") (call $output_write (i32.const 0) (i32.const 0)))
)
