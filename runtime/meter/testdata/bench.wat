;; Workloads for the metered-vs-unmetered benchmarks.
;; Build: wat2wasm testdata/bench.wat -o testdata/bench.wasm
(module
  (memory (export "memory") 1)
  (func (export "validate"))
  ;; tight loop: one ~30-instruction block per iteration
  (func (export "loop") (param $n i32) (result i32)
    (local $i i32) (local $a i32)
    (loop $top
      (local.set $a (i32.add (i32.mul (local.get $a) (i32.const 31)) (local.get $i)))
      (local.set $a (i32.xor (local.get $a) (i32.shr_u (local.get $a) (i32.const 7))))
      (local.set $a (i32.add (local.get $a) (i32.rotl (local.get $a) (i32.const 3))))
      (local.set $a (i32.sub (local.get $a) (i32.and (local.get $i) (i32.const 255))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $top (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $a))
  ;; collatz: tiny blocks, a branch every few instructions
  (func (export "collatz") (param $n i32) (result i32)
    (local $x i64) (local $steps i32) (local $k i32)
    (loop $outer
      (local.set $x (i64.extend_i32_u (i32.add (local.get $k) (i32.const 1))))
      (block $done
        (loop $inner
          (br_if $done (i64.le_u (local.get $x) (i64.const 1)))
          (if (i64.eqz (i64.and (local.get $x) (i64.const 1)))
            (then (local.set $x (i64.shr_u (local.get $x) (i64.const 1))))
            (else (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1)))))
          (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
          (br $inner)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $k) (local.get $n))))
    (local.get $steps))
  ;; fib: call-heavy
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
)
