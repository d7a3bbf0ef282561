;; echo.wat: a tiny validator for the worker's tests. It accepts any input
;; of at most 64 KiB and writes it back as its output; an empty input is
;; rejected with the reason "empty".
;; Build: wat2wasm echo.wat -o echo.wasm
(module
  (import "assay" "input_len" (func $input_len (result i32)))
  (import "assay" "input_read" (func $input_read (param i32 i32 i32) (result i32)))
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (import "assay" "reject" (func $reject (param i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "empty")
  (func (export "validate")
    (local $n i32)
    (local.set $n (call $input_len))
    (if (i32.eqz (local.get $n))
      (then (call $reject (i32.const 0) (i32.const 5)) (return)))
    (if (i32.gt_u (local.get $n) (i32.const 65536))
      (then (local.set $n (i32.const 65536))))
    (drop (call $input_read (i32.const 65536) (i32.const 0) (local.get $n)))
    (call $output_write (i32.const 65536) (local.get $n)))
)
