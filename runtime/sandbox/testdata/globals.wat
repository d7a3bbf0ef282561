;; globals.wat: plays the rewriter's part by exporting the assay:* globals
;; itself, to test how the host reads them; params[0] selects the case.
;; It is stored without the rewriter (the checker would reject the names).
;; Build: wat2wasm globals.wat -o globals.wasm
(module
  (import "assay" "params_read" (func $params_read (param i32 i32 i32) (result i32)))
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (memory (export "memory") 1)
  (global $gas (export "assay:gas") (mut i64) (i64.const 0))
  (global $depth (export "assay:depth") (mut i32) (i32.const 0))
  (global $mem (export "assay:mem_limit") (mut i32) (i32.const 0))
  (func (export "validate")
    (drop (call $params_read (i32.const 0) (i32.const 0) (i32.const 1)))
    (block $default
    (block $c4 (block $c3 (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 $c3 $c4 $default (i32.load8_u (i32.const 0)))
      ) ;; 0: out of gas as the rewriter does it
      (global.set $gas (i64.sub (global.get $gas) (i64.const 0x7fffffffffff)))
      (unreachable))
      ;; 1: memory limit
      (global.set $mem (i32.const -1)) (unreachable))
      ;; 2: stack limit
      (global.set $depth (i32.const 1001)) (unreachable))
      ;; 3: output the gas left and the memory limit the host set
      (i64.store (i32.const 64) (global.get $gas))
      (i32.store (i32.const 72) (global.get $mem))
      (call $output_write (i32.const 64) (i32.const 12)) (return))
      ;; 4: burn 1000 gas and accept
      (global.set $gas (i64.sub (global.get $gas) (i64.const 1000))) (return))
  )
)
