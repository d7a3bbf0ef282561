;; Build: wat2wasm passive.wat -o passive.wasm
(module
  (memory 1)
  (data "passive")
  (func (export "f")))
