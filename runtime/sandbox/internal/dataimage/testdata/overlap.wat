;; Build: wat2wasm overlap.wat -o overlap.wasm
(module
  (memory 1)
  (data (i32.const 100) "abcdef")
  (data (i32.const 102) "XY")
  (data (i32.const 10) "")
  (data (i32.const 65530) "end!!!")
  (func (export "f")))
