;; A WASI function outside the allow-list (sockets): rejected at store time.
(module (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (func (export "validate")))
