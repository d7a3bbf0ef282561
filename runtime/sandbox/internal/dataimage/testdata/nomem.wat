;; Build: wat2wasm nomem.wat -o nomem.wasm
(module (func (export "f")))
