;; Bulk memory with sizes from the input: 16 bytes LE = op, dst, src, len;
;; op 0 = memory.fill(dst, 0xab, len), 1 = memory.copy(dst, src, len),
;; 2 = memory.init(dst, src, len) from a 16-byte passive segment, 3 =
;; data.drop then memory.init. Output: the 4 bytes at dst (or "none" when
;; dst is out of memory). The rewriter charges len >> 3 gas before the
;; operation: huge lengths run out of gas or trap out of bounds, in
;; bounded time.
(module
  (import "assay" "input_read" (func $in (param i32 i32 i32) (result i32)))
  (import "assay" "output_write" (func $out (param i32 i32)))
  (memory (export "memory") 2)
  (data $seg "0123456789abcdef")
  (data (i32.const 32) "none")
  (func (export "validate") (local $op i32) (local $dst i32) (local $src i32) (local $len i32)
    (drop (call $in (i32.const 0) (i32.const 0) (i32.const 16)))
    (local.set $op (i32.load (i32.const 0)))
    (local.set $dst (i32.load (i32.const 4)))
    (local.set $src (i32.load (i32.const 8)))
    (local.set $len (i32.load (i32.const 12)))
    (block $b
      (block $init (block $copy (block $fill
        (br_table $fill $copy $init $b (local.get $op)))
        (memory.fill (local.get $dst) (i32.const 0xab) (local.get $len))
        (br $b))
        (memory.copy (local.get $dst) (local.get $src) (local.get $len))
        (br $b))
      (memory.init $seg (local.get $dst) (local.get $src) (local.get $len)))
    (if (i32.eq (local.get $op) (i32.const 3))
      (then
        (data.drop $seg)
        (memory.init $seg (local.get $dst) (local.get $src) (local.get $len))))
    (if (i32.le_u (local.get $dst) (i32.const 131068))
      (then (call $out (local.get $dst) (i32.const 4)))
      (else (call $out (i32.const 32) (i32.const 4))))))
