;; The segment ends past the minimum memory: instantiation must fail.
;; Build: wat2wasm oob.wat -o oob.wasm
(module
  (memory 1)
  (data (i32.const 65535) "ab")
  (func (export "f")))
