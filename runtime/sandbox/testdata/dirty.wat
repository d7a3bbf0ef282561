;; dirty.wat: tests that a guest memory reused from an earlier job starts
;; all zero. Every job grows memory from 1 to 8 pages; with params[0] = 1
;; it then fills all 8 pages with 0xff, otherwise it outputs the sum of
;; all bytes of its memory (params aside: 0 on a clean memory) and the
;; memory size in pages.
;; Build: wat2wasm dirty.wat -o dirty.wasm
(module
  (import "assay" "params_read" (func $params_read (param i32 i32 i32) (result i32)))
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "validate")
    (local $i i32) (local $sum i64) (local $end i32)
    (drop (memory.grow (i32.const 7)))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (drop (call $params_read (i32.const 0) (i32.const 0) (i32.const 1)))
    (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1))
      (then
        (memory.fill (i32.const 0) (i32.const 0xff) (local.get $end))
        (return)))
    (i32.store8 (i32.const 0) (i32.const 0)) ;; the params byte
    (block $done
      (loop $sum
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $sum (i64.add (local.get $sum) (i64.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sum)))
    (i64.store (i32.const 0) (local.get $sum))
    (i32.store (i32.const 8) (memory.size))
    (call $output_write (i32.const 0) (i32.const 12)))
)
