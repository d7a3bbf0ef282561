;; abi.wat: one guest that exercises the host ABI; params[0] selects the case.
;; Build: wat2wasm abi.wat -o abi.wasm
(module
  (import "assay" "input_len" (func $input_len (result i32)))
  (import "assay" "input_read" (func $input_read (param i32 i32 i32) (result i32)))
  (import "assay" "params_len" (func $params_len (result i32)))
  (import "assay" "params_read" (func $params_read (param i32 i32 i32) (result i32)))
  (import "assay" "round_height" (func $round_height (result i64)))
  (import "assay" "round_time" (func $round_time (result i64)))
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (import "assay" "reject" (func $reject (param i32 i32)))
  (import "assay" "log" (func $log (param i32 i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (memory (export "memory") 1 4)
  (type $v_i (func (result i32)))
  (type $i_v (func (param i32)))
  (table 2 funcref)
  (elem (i32.const 0) $seven)
  (func $seven (type $v_i) (i32.const 7))
  (global $scratch (mut i32) (i32.const 0))

  ;; in: copies the whole input to 4096 and returns its length.
  (func $in (result i32)
    (call $input_read (i32.const 4096) (i32.const 0) (call $input_len)))
  (func $out32 (param i32)
    (i32.store (i32.const 64) (local.get 0))
    (call $output_write (i32.const 64) (i32.const 4)))
  (func $recurse (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))

  (func (export "validate")
    (local $sel i32) (local $n i32) (local $i i32)
    (drop (call $params_read (i32.const 0) (i32.const 0) (i32.const 1)))
    (local.set $sel (i32.load8_u (i32.const 0)))
    (block $default
    (block $c22 (block $c21 (block $c20 (block $c19 (block $c18 (block $c17
    (block $c16 (block $c15 (block $c14 (block $c13 (block $c12 (block $c11
    (block $c10 (block $c9 (block $c8 (block $c7 (block $c6 (block $c5
    (block $c4 (block $c3 (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 $c3 $c4 $c5 $c6 $c7 $c8 $c9 $c10 $c11 $c12 $c13
                $c14 $c15 $c16 $c17 $c18 $c19 $c20 $c21 $c22 $default (local.get $sel)))
      ;; 0: echo the input
      (call $output_write (i32.const 4096) (call $in)) (return))
      ;; 1: reject with the input as reason
      (call $reject (i32.const 4096) (call $in)) (return))
      ;; 2: unreachable
      (unreachable))
      ;; 3: divide by zero
      (drop (i32.div_s (i32.const 1) (global.get $scratch))) (return))
      ;; 4: integer overflow
      (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))) (return))
      ;; 5: invalid conversion (NaN to int)
      (drop (i32.trunc_f32_s (f32.const nan))) (return))
      ;; 6: out of bounds load
      (drop (i32.load (i32.const 0x7ffffff0))) (return))
      ;; 7: indirect call type mismatch
      (call_indirect (type $i_v) (i32.const 1) (i32.const 0)) (return))
      ;; 8: invalid table access (null element, then out of range)
      (drop (call_indirect (type $v_i) (i32.const 5))) (return))
      ;; 9: host pointer out of bounds
      (call $output_write (i32.const 0xfffffff0) (i32.const 100)) (return))
      ;; 10: write the input 100 times (hits a small output limit)
      (local.set $n (call $in))
      (loop $l
        (call $output_write (i32.const 4096) (local.get $n))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
      (return))
      ;; 11: log the input 100 times, then echo it
      (local.set $n (call $in))
      (loop $l
        (call $log (i32.const 4096) (local.get $n))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
      (call $output_write (i32.const 4096) (local.get $n))
      (return))
      ;; 12: call input_len forever (gas is charged by the host)
      (loop $l (drop (call $input_len)) (br $l)))
      ;; 13: proc_exit(0)
      (call $proc_exit (i32.const 0)) (return))
      ;; 14: round height and time, little endian i64s
      (i64.store (i32.const 64) (call $round_height))
      (i64.store (i32.const 72) (call $round_time))
      (call $output_write (i32.const 64) (i32.const 16)) (return))
      ;; 15: 64 random bytes, in two calls (20 + 44)
      (drop (call $random_get (i32.const 64) (i32.const 20)))
      (drop (call $random_get (i32.const 84) (i32.const 44)))
      (call $output_write (i32.const 64) (i32.const 64)) (return))
      ;; 16: clock_time_get(realtime) and (monotonic), then errno of clock 9
      (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 64)))
      (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 72)))
      (i32.store (i32.const 80) (call $clock_time_get (i32.const 9) (i64.const 1) (i32.const 72)))
      (call $output_write (i32.const 64) (i32.const 20)) (return))
      ;; 17: fd_write the input to fd 1 and fd 5; output errnos and nwritten
      (local.set $n (call $in))
      (i32.store (i32.const 128) (i32.const 4096))
      (i32.store (i32.const 132) (local.get $n))
      (i32.store (i32.const 64) (call $fd_write (i32.const 1) (i32.const 128) (i32.const 1) (i32.const 68)))
      (i32.store (i32.const 72) (call $fd_write (i32.const 5) (i32.const 128) (i32.const 1) (i32.const 76)))
      (call $output_write (i32.const 64) (i32.const 12)) (return))
      ;; 18: unbounded recursion
      (drop (call $recurse (i32.const 0))) (return))
      ;; 19: memory.grow by params[1] pages; output the result
      (drop (call $params_read (i32.const 1) (i32.const 1) (i32.const 1)))
      (call $out32 (memory.grow (i32.load8_u (i32.const 1)))) (return))
      ;; 20: poll_oneoff with one clock subscription (userdata 0x1122334455667788)
      (i64.store (i32.const 256) (i64.const 0x1122334455667788))
      (i32.store8 (i32.const 264) (i32.const 0))
      (i32.store (i32.const 64) (call $poll_oneoff (i32.const 256) (i32.const 512) (i32.const 1) (i32.const 68)))
      (call $output_write (i32.const 64) (i32.const 8))
      (call $output_write (i32.const 512) (i32.const 32)) (return))
      ;; 21: args_sizes_get
      (i32.store (i32.const 64) (i32.const 0xdead))
      (i32.store (i32.const 68) (i32.const 0xbeef))
      (i32.store (i32.const 72) (call $args_sizes_get (i32.const 64) (i32.const 68)))
      (call $output_write (i32.const 64) (i32.const 12)) (return))
      ;; 22: params_read at offset 2, up to 100 bytes; output count and bytes
      (call $out32 (call $params_read (i32.const 1024) (i32.const 2) (i32.const 100)))
      (call $output_write (i32.const 1024) (i32.sub (call $params_len) (i32.const 2))) (return))
    ;; default: accept with empty output
  )
)
