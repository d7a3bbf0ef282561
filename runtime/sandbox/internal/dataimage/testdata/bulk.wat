;; Uses memory.init, so the module has a data count section.
;; Build: wat2wasm bulk.wat -o bulk.wasm
(module
  (memory 1)
  (data (i32.const 0) "ab")
  (func (export "f") (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1))))
