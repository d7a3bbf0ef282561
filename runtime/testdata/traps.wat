;; One trap per input byte 0 (op): 0 unreachable, 1 integer divide by
;; zero, 2 integer overflow, 3 invalid conversion to integer, 4 load out
;; of bounds, 5 store out of bounds, 6 indirect call type mismatch, 7
;; call_indirect past the table, 8 call_indirect to an empty slot, 9
;; output_write outside memory, 10 input_read outside memory, 11 reject
;; with reason "no", 12 returns normally (output "ok"), 13 writes 64 KiB
;; of output 20 times (past the 1 MiB output limit), 14 calls WASI
;; proc_exit(3). FAILED trap:<kind> / output_limit / REJECTED / ACCEPTED.
(module
  (import "assay" "input_read" (func $in (param i32 i32 i32) (result i32)))
  (import "assay" "output_write" (func $out (param i32 i32)))
  (import "assay" "reject" (func $reject (param i32 i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (type $i (func (result i32)))
  (type $v (func))
  (memory (export "memory") 1)
  (table 3 funcref)
  (elem (i32.const 0) $nop $nop)
  (data (i32.const 16) "no")
  (data (i32.const 24) "ok")
  (func $nop)
  (func $zero (result i32) (i32.const 0))
  (func $flood (local $i i32)
    (loop $l
      (call $out (i32.const 0) (i32.const 65536))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 20)))))
  (func (export "validate") (local $op i32)
    (drop (call $in (i32.const 0) (i32.const 0) (i32.const 1)))
    (local.set $op (i32.load8_u (i32.const 0)))
    (block $b14 (block $b13 (block $b12 (block $b11 (block $b10 (block $b9 (block $b8 (block $b7 (block $b6
    (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
      (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 $b8 $b9 $b10 $b11 $b12 $b13 $b14 (local.get $op)))
      (unreachable))
      (drop (i32.div_u (i32.const 1) (call $zero))) (return))
      (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))) (return))
      (drop (i32.trunc_f32_s (f32.const nan))) (return))
      (drop (i32.load (i32.const 65535))) (return))
      (i64.store (i32.const -1) (i64.const 0)) (return))
      (drop (call_indirect (type $i) (i32.const 0))) (return))
      (call_indirect (type $v) (i32.const 7)) (return))
      (call_indirect (type $v) (i32.const 2)) (return))
      (call $out (i32.const 65530) (i32.const 100)) (return))
      (drop (call $in (i32.const 65535) (i32.const 0) (i32.const 1000))) (return))
      (call $reject (i32.const 16) (i32.const 2)) (return))
    (call $out (i32.const 24) (i32.const 2)) (return))
    (call $flood) (return))
    (call $exit (i32.const 3))))
