// The test program of sdk/as/assembly/num.ts (validators/ohlcv-as/num_test.go
// builds it): input 'F' + little-endian doubles → formatE of each, a line
// each; input 'P' + number texts, a line each → the bits parseF64 reads, in
// hex, or "range" for ±Inf.
import * as assay from "../assembly/index";
import { formatE, parseF64 } from "../assembly/num";

export function abortTrap(message: string | null, file: string | null, line: u32, column: u32): void {
  unreachable();
}

function hex16(x: u64): string {
  const digits = "0123456789abcdef";
  let s = "";
  for (let i = 15; i >= 0; i--) s += digits.charAt(<i32>((x >> (<u64>i * 4)) & 15));
  return s;
}

export function validate(): void {
  const in_ = assay.input();
  const b = new assay.Bytes();
  if (in_[0] == 0x46) {
    for (let i = 1; i + 8 <= in_.length; i += 8) {
      const f = load<f64>(in_.dataStart + <usize>i);
      b.ascii(formatE(f));
      b.push(10);
    }
  } else {
    const text = String.UTF8.decodeUnsafe(in_.dataStart + 1, <usize>(in_.length - 1));
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const f = parseF64(lines[i]);
      b.ascii(isFinite(f) ? hex16(reinterpret<u64>(f)) : "range");
      b.push(10);
    }
  }
  assay.output(b.bytes());
}
