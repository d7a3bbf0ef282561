;; init_near.wat: _initialize counts down 3,999,990 iterations of 5 gas and
;; returns just under the store-time bound of protocol v1 (20,000,000 gas),
;; so the check runs it twice in full: the costliest initializer the chain
;; accepts (BenchmarkStoreCodeCheck).
;; Build: wat2wasm init_near.wat -o init_near.wasm
(module
  (import "assay" "output_write" (func $output_write (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "_initialize") (local $n i32)
    (local.set $n (i32.const 3999990))
    (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "validate") (call $output_write (i32.const 0) (i32.const 0)))
)
