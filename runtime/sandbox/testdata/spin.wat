;; spin.wat: validate spins forever in pure Wasm (no host calls), so only gas
;; (or the wall-clock backstop) ends it. memory min 2 pages.
;; Build: wat2wasm spin.wat -o spin.wasm
(module
  (memory (export "memory") 2)
  (func (export "validate")
    (local $i i64)
    (loop $l
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $l)))
)
