;; init_loop.wat: _initialize never returns; it runs past the
;; initialization gas bound and is rejected at store time.
;; Build: wat2wasm init_loop.wat -o init_loop.wasm
(module
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "_initialize") (loop $l (br $l)))
  (func (export "validate") (call $output_write (i32.const 0) (i32.const 0)))
)
