// A strict JSON parser with the Go SDK's limits and error texts (sdk/jcs),
// and an RFC 8785 writer. AssemblyScript has no exceptions: parse returns
// null and leaves the error in `jsonError`.
import { GO_PRINT_RANGES } from "./isprint";
import { parseF64 } from "./num";

export const KIND_NULL = 0;
export const KIND_BOOL = 1;
export const KIND_NUMBER = 2;
export const KIND_STRING = 3;
export const KIND_ARRAY = 4;
export const KIND_OBJECT = 5;

const KIND_NAMES: string[] = ["null", "boolean", "number", "string", "array", "object"];

/** A parsed JSON value. Objects keep their members in input order. */
export class Value {
  kind: i32 = KIND_NULL;
  bool: bool = false;
  num: f64 = 0;
  /** a number's text as written (for exact decimals) */
  raw: string = "";
  str: string = "";
  arr: Value[] = [];
  names: string[] = [];

  /** The JSON type's name, as sdk/jcs's Kind prints it. */
  kindName(): string { return KIND_NAMES[this.kind]; }

  /** The member called name of an object, or null. */
  get(name: string): Value | null {
    for (let i = 0; i < this.names.length; i++) if (this.names[i] == name) return this.arr[i];
    return null;
  }

  /** Whether this is a number with an exact int64 value (jcs IsInteger). */
  isInteger(): bool {
    return this.kind == KIND_NUMBER && this.num >= -9.2e18 && this.num <= 9.2e18 && this.num == <f64>(<i64>this.num);
  }
}

/** Why the last parse returned null ("offset N: ..."). */
export let jsonError = "";

class Parser {
  pos: i32 = 0;
  nValues: i32 = 0;
  constructor(public d: Uint8Array, public maxDepth: i32, public maxValues: i32) {}

  fail(off: i32, msg: string): Value | null {
    jsonError = "offset " + off.toString() + ": " + msg;
    return null;
  }

  space(): void {
    while (this.pos < this.d.length) {
      const c = this.d[this.pos];
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
      this.pos++;
    }
  }

  lit(s: string): bool {
    if (this.d.length - this.pos < s.length) return false;
    for (let i = 0; i < s.length; i++) if (<i32>this.d[this.pos + i] != s.charCodeAt(i)) return false;
    this.pos += s.length;
    return true;
  }

  value(depth: i32): Value | null {
    if (this.pos >= this.d.length) return this.fail(this.pos, "unexpected end of input");
    this.nValues++;
    if (this.maxValues > 0 && this.nValues > this.maxValues)
      return this.fail(this.pos, "jcs: too many values: more than " + this.maxValues.toString());
    const c = this.d[this.pos];
    if (c == 0x7b || c == 0x5b) {
      if (depth + 1 > this.maxDepth)
        return this.fail(this.pos, "jcs: nesting too deep: more than " + this.maxDepth.toString() + " levels");
      return c == 0x5b ? this.array(depth + 1) : this.object(depth + 1);
    }
    const v = new Value();
    if (c == 0x22) {
      const s = this.string();
      if (s === null) return null;
      v.kind = KIND_STRING; v.str = s;
      return v;
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.lit("true")) { v.kind = KIND_BOOL; v.bool = true; return v; }
    if (this.lit("false")) { v.kind = KIND_BOOL; return v; }
    if (this.lit("null")) return v;
    return this.fail(this.pos, "unexpected character " + quoteChar(c));
  }

  next(closing: u8): i32 { // 0 more, 1 done, -1 error
    this.space();
    if (this.pos >= this.d.length) { this.fail(this.pos, "unexpected end of input"); return -1; }
    const c = this.d[this.pos];
    if (c == 0x2c) { this.pos++; return 0; }
    if (c == closing) { this.pos++; return 1; }
    this.fail(this.pos, "expected ',' or '" + String.fromCharCode(closing) + "'");
    return -1;
  }

  array(depth: i32): Value | null {
    const v = new Value();
    v.kind = KIND_ARRAY;
    this.pos++;
    this.space();
    if (this.pos < this.d.length && this.d[this.pos] == 0x5d) { this.pos++; return v; }
    for (;;) {
      this.space();
      const e = this.value(depth);
      if (e === null) return null;
      v.arr.push(e);
      const n = this.next(0x5d);
      if (n < 0) return null;
      if (n > 0) return v;
    }
    return null;
  }

  object(depth: i32): Value | null {
    const v = new Value();
    v.kind = KIND_OBJECT;
    this.pos++;
    this.space();
    if (this.pos < this.d.length && this.d[this.pos] == 0x7d) { this.pos++; return v; }
    for (;;) {
      this.space();
      if (this.pos >= this.d.length || this.d[this.pos] != 0x22) return this.fail(this.pos, "expected a member name");
      const start = this.pos;
      const name = this.string();
      if (name === null) return null;
      if (v.names.includes(name)) return this.fail(start, "jcs: duplicate member name " + quote(name));
      this.space();
      if (this.pos >= this.d.length || this.d[this.pos] != 0x3a) return this.fail(this.pos, "expected ':' after member name");
      this.pos++;
      this.space();
      const e = this.value(depth);
      if (e === null) return null;
      v.names.push(name);
      v.arr.push(e);
      const n = this.next(0x7d);
      if (n < 0) return null;
      if (n > 0) return v;
    }
    return null;
  }

  digits(): i32 {
    const s = this.pos;
    while (this.pos < this.d.length && this.d[this.pos] >= 0x30 && this.d[this.pos] <= 0x39) this.pos++;
    return this.pos - s;
  }

  number(): Value | null {
    const start = this.pos;
    if (this.d[this.pos] == 0x2d) this.pos++;
    if (this.pos < this.d.length && this.d[this.pos] == 0x30) this.pos++;
    else if (this.digits() == 0) return this.fail(this.pos, "invalid number");
    if (this.pos < this.d.length && this.d[this.pos] == 0x2e) {
      this.pos++;
      if (this.digits() == 0) return this.fail(this.pos, "invalid number: no digits after '.'");
    }
    if (this.pos < this.d.length && (this.d[this.pos] | 0x20) == 0x65) {
      this.pos++;
      if (this.pos < this.d.length && (this.d[this.pos] == 0x2b || this.d[this.pos] == 0x2d)) this.pos++;
      if (this.digits() == 0) return this.fail(this.pos, "invalid number: no digits in exponent");
    }
    const text = String.UTF8.decodeUnsafe(this.d.dataStart + <usize>start, <usize>(this.pos - start));
    const f = parseF64(text);
    if (!isFinite(f)) {
      return this.fail(start, "jcs: number out of range: " + (text.length > 40 ? text.substring(0, 40) + "..." : text));
    }
    const v = new Value();
    v.kind = KIND_NUMBER; v.num = f; v.raw = text;
    return v;
  }

  hex4(at: i32): i32 {
    if (at + 6 > this.d.length || this.d[at] != 0x5c || this.d[at + 1] != 0x75) return -1;
    let v = 0;
    for (let i = 2; i < 6; i++) {
      const c = <i32>this.d[at + i];
      let h = -1;
      if (c >= 0x30 && c <= 0x39) h = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) h = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) h = c - 0x41 + 10;
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    return v;
  }

  string(): string | null {
    this.pos++;
    const start = this.pos;
    let plain = true;
    let out = "";
    let chunk = start;
    while (this.pos < this.d.length) {
      const c = this.d[this.pos];
      if (c == 0x22) {
        const tail = String.UTF8.decodeUnsafe(this.d.dataStart + <usize>chunk, <usize>(this.pos - chunk));
        this.pos++;
        return plain ? tail : out + tail;
      }
      if (c < 0x20) { this.fail(this.pos, "control character 0x" + (<i32>c).toString(16) + " in string"); return null; }
      if (c == 0x5c) {
        out += String.UTF8.decodeUnsafe(this.d.dataStart + <usize>chunk, <usize>(this.pos - chunk));
        plain = false;
        if (this.pos + 1 >= this.d.length) { this.fail(this.pos, "unterminated escape"); return null; }
        const e = this.d[this.pos + 1];
        let simple = -1;
        if (e == 0x22 || e == 0x5c || e == 0x2f) simple = e;
        else if (e == 0x62) simple = 8;
        else if (e == 0x66) simple = 12;
        else if (e == 0x6e) simple = 10;
        else if (e == 0x72) simple = 13;
        else if (e == 0x74) simple = 9;
        if (simple >= 0) {
          out += String.fromCharCode(simple);
          this.pos += 2;
        } else if (e != 0x75) {
          this.fail(this.pos, "invalid escape \\" + String.fromCharCode(e)); return null;
        } else {
          if (this.pos + 6 > this.d.length) { this.fail(this.pos, "truncated \\u escape"); return null; }
          const r = this.hex4(this.pos);
          if (r < 0) { this.fail(this.pos, "invalid \\u escape"); return null; }
          if (r >= 0xd800 && r < 0xe000) {
            const lo = r < 0xdc00 ? this.hex4(this.pos + 6) : -1;
            if (lo < 0xdc00 || lo >= 0xe000) { this.fail(this.pos + 6, "jcs: lone surrogate"); return null; }
            out += String.fromCharCode(r) + String.fromCharCode(lo);
            this.pos += 12;
          } else {
            out += String.fromCharCode(r);
            this.pos += 6;
          }
        }
        chunk = this.pos;
        continue;
      }
      if (c >= 0x80) {
        const k = utf8Len(this.d, this.pos);
        if (k == 0) { this.fail(this.pos, "jcs: invalid UTF-8"); return null; }
        this.pos += k;
        continue;
      }
      this.pos++;
    }
    this.fail(this.pos, "unterminated string");
    return null;
  }
}

export function utf8Len(d: Uint8Array, i: i32): i32 {
  const c = <u32>d[i];
  let k = 0, cp: u32 = 0, min: u32 = 0;
  if (c >= 0xc2 && c <= 0xdf) { k = 2; cp = c & 0x1f; min = 0x80; }
  else if (c >= 0xe0 && c <= 0xef) { k = 3; cp = c & 0x0f; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { k = 4; cp = c & 0x07; min = 0x10000; }
  else return 0;
  if (i + k > d.length) return 0;
  for (let j = 1; j < k; j++) {
    const b = <u32>d[i + j];
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return k;
}

// Whether Go's strconv.IsPrint holds for r (what %q leaves unescaped).
export function goIsPrint(r: u32): bool {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  let lo = 0, hi = GO_PRINT_RANGES.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r > GO_PRINT_RANGES[2 * mid + 1]) lo = mid + 1; else hi = mid;
  }
  return lo < GO_PRINT_RANGES.length / 2 && r >= GO_PRINT_RANGES[2 * lo];
}

const HEXDIGITS = "0123456789abcdef";

/** Rune r as Go's strconv.Quote (q = 0x22) or QuoteRune (q = 0x27) writes it inside the quotes. */
export function goRune(r: u32, q: u32): string {
  if (r == q || r == 0x5c) return "\\" + String.fromCodePoint(r);
  if (goIsPrint(r)) return String.fromCodePoint(r);
  if (r == 7) return "\\a";
  if (r == 8) return "\\b";
  if (r == 12) return "\\f";
  if (r == 10) return "\\n";
  if (r == 13) return "\\r";
  if (r == 9) return "\\t";
  if (r == 11) return "\\v";
  let s = r < 0x80 ? "\\x" : r < 0x10000 ? "\\u" : "\\U";
  const n = r < 0x80 ? 2 : r < 0x10000 ? 4 : 8;
  for (let i = n - 1; i >= 0; i--) s += HEXDIGITS.charAt(<i32>((r >> (4 * <u32>i)) & 15));
  return s;
}

/** A byte as Go's %q prints it (the rune of that value, single-quoted). */
export function quoteChar(c: u8): string { return "'" + goRune(<u32>c, 0x27) + "'"; }

/** s as Go's %q (strconv.Quote) writes it: printable runes of Go's unicode tables as they are, the others escaped. */
export function quote(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; ) {
    const r = <u32>s.codePointAt(i);
    out += goRune(r, 0x22);
    i += r >= 0x10000 ? 2 : 1;
  }
  return out + "\"";
}

/** Parses exactly one JSON value; null on error (see jsonError). */
export function parse(data: Uint8Array, maxDepth: i32, maxValues: i32): Value | null {
  const p = new Parser(data, maxDepth <= 0 || maxDepth > 200 ? 200 : maxDepth, maxValues);
  p.space();
  const v = p.value(0);
  if (v === null) return null;
  p.space();
  if (p.pos != data.length) return p.fail(p.pos, "trailing data after the JSON value");
  return v;
}

/** A growable byte buffer for building the output. */
export class Bytes {
  buf: Uint8Array = new Uint8Array(256);
  len: i32 = 0;
  push(b: i32): void {
    if (this.len == this.buf.length) {
      const n = new Uint8Array(this.buf.length * 2);
      n.set(this.buf);
      this.buf = n;
    }
    this.buf[this.len++] = <u8>b;
  }
  ascii(s: string): void { for (let i = 0; i < s.length; i++) this.push(s.charCodeAt(i)); }
  utf8(s: string): void {
    const b = Uint8Array.wrap(String.UTF8.encode(s));
    for (let i = 0; i < b.length; i++) this.push(b[i]);
  }
  /** The bytes written so far. */
  bytes(): Uint8Array { return this.buf.subarray(0, this.len); }
}

const HEX = "0123456789abcdef";

/** Appends s as an RFC 8785 string. */
export function appendString(dst: Bytes, s: string): void {
  dst.push(0x22);
  const b = Uint8Array.wrap(String.UTF8.encode(s));
  for (let i = 0; i < b.length; i++) {
    const c = <i32>b[i];
    if (c == 0x22 || c == 0x5c) { dst.push(0x5c); dst.push(c); }
    else if (c == 8) dst.ascii("\\b");
    else if (c == 9) dst.ascii("\\t");
    else if (c == 10) dst.ascii("\\n");
    else if (c == 12) dst.ascii("\\f");
    else if (c == 13) dst.ascii("\\r");
    else if (c < 0x20) { dst.ascii("\\u00"); dst.push(HEX.charCodeAt(c >> 4)); dst.push(HEX.charCodeAt(c & 15)); }
    else dst.push(c);
  }
  dst.push(0x22);
}

/**
 * Appends v as RFC 8785 writes the double nearest to v (sdk/jcs writes
 * float64(v) the same): every digit up to 2^53; beyond, ECMAScript's
 * shortest round-trip digits padded with zeros (2^55 is 36028797018963970).
 */
export function appendInt(dst: Bytes, v: i64): void {
  const exact: i64 = 9007199254740992; // 2^53
  if (v >= -exact && v <= exact) { dst.ascii(v.toString()); return; }
  const f = <f64>v; // the nearest double, ties to even
  if (f < 0) dst.push(0x2d);
  const x = <u64>Math.abs(f); // an integer in (2^53, 2^63]
  // x = m·2^e with 2^52 <= m < 2^53. The numbers that read back as x lie
  // within half the gap to each neighbour (the lower gap is half as wide
  // at a power of two), ends included when m is even (ties to even).
  const e = <i32>(11 - <i32>clz<u64>(x));
  const m = x >> <u64>e;
  const up = (<u64>1) << <u64>(e - 1);
  const down = m == (<u64>1) << 52 ? up >> 1 : up;
  const lo = x - down;
  const hi = x + up;
  const even = (m & 1) == 0;
  // Fewest digits: the largest power of ten with a multiple in range (the
  // range is at most 2^11 wide); of the multiples below and above x, the
  // nearer one (an integer double is never halfway between two).
  for (let p: u64 = 10000; p >= 10; p /= 10) {
    const below = x / p * p;
    const above = below == x ? x : below + p;
    const okBelow = even ? below >= lo : below > lo;
    const okAbove = even ? above <= hi : above < hi;
    if (okBelow && (!okAbove || x - below < above - x)) { dst.ascii(below.toString()); return; }
    if (okAbove) { dst.ascii(above.toString()); return; }
  }
  dst.ascii(x.toString());
}
