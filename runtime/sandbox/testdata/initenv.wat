;; initenv.wat: a reactor whose _initialize records the initialization
;; environment (docs/abi.md, "Pre-initialization") in memory and in a
;; non-exported global; validate outputs the record and the job's clocks.
;; Output (56 bytes): random_get 8 bytes during _initialize ‖ realtime and
;; monotonic clock during _initialize (u64 LE each) ‖ the global ‖ 4 zero
;; bytes ‖ page 1's first u32 (written after _initialize grew memory) ‖
;; 4 zero bytes ‖ realtime and monotonic clock in validate.
;; Build: wat2wasm initenv.wat -o initenv.wasm
(module
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1 4)
  (global $g (mut i32) (i32.const 0))
  (func (export "_initialize")
    (drop (call $random_get (i32.const 0) (i32.const 8)))
    (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 8)))
    (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 16)))
    (global.set $g (i32.const 7))
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 65536) (i32.const 0x2a2a2a2a)))
  (func (export "validate")
    (i32.store (i32.const 24) (global.get $g))
    (i32.store (i32.const 32) (i32.load (i32.const 65536)))
    (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 40)))
    (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 48)))
    (call $output_write (i32.const 0) (i32.const 56)))
)
