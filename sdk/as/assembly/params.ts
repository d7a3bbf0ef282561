// Params decoded as the Go SDK's assay.DecodeParams decodes them into a
// flat Go struct with encoding/json (a json.Decoder with
// DisallowUnknownFields): the same syntax errors ("invalid character 'x'
// looking for beginning of value", "unexpected EOF"), type and
// unknown-field errors, names matched exactly or case-folded, the last of
// duplicate names winning, null leaving a field alone (a pointer nil),
// invalid UTF-8 and lone surrogates read as U+FFFD, and "params: " before
// every reason. A port of a Go validator gets the Go program's verdicts
// and reasons on any params.
import { quote, quoteChar, utf8Len } from "./json";

/** Go field types, as encoding/json's errors name them. */
export const TYPE_STRING = 0;
export const TYPE_BOOL = 1;
export const TYPE_INT = 2;
export const TYPE_INT64 = 3;
/** *int64: null makes it nil */
export const TYPE_PTR_INT64 = 4;

/** One field of the Go struct: its `json:"name"` tag and Go type. */
export class Field {
  constructor(public name: string, public type: i32) {}
}

/** What decoding does to field `field`: set a string, bool or integer, or nil (null on a pointer). */
export class ParamSet {
  field: i32 = 0;
  isNil: bool = false;
  str: string = "";
  bool: bool = false;
  int: i64 = 0;
}

/** Why the last decodeParams returned null (the Go SDK's reason). */
export let paramsError = "";

function typeName(t: i32): string {
  return t == TYPE_STRING ? "string" : t == TYPE_BOOL ? "bool" : t == TYPE_INT ? "int" : "int64";
}

function isSpace(c: u32): bool { return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d; }
function isDigit(c: u32): bool { return c >= 0x30 && c <= 0x39; }
function hexVal(c: u32): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30;
  if (c >= 0x61 && c <= 0x66) return <i32>c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return <i32>c - 0x41 + 10;
  return -1;
}

function syntax(c: u32, context: string): i32 {
  paramsError = "params: invalid character " + (c == 0x22 ? "'\"'" : quoteChar(<u8>c)) + " " + context;
  return -1;
}

const S_VALUE = 0, S_VALUE_OR_EMPTY = 1, S_KEY_OR_EMPTY = 2, S_KEY = 3, S_STR = 4, S_ESC = 5, S_U = 6,
  S_NEG = 7, S_ZERO = 8, S_ONE = 9, S_DOT = 10, S_DOT0 = 11, S_E = 12, S_ESIGN = 13, S_E0 = 14, S_LIT = 15, S_END = 16;

function eof(d: Uint8Array): i32 {
  let blank = true;
  for (let i = 0; i < d.length; i++) if (!isSpace(d[i])) blank = false;
  paramsError = blank ? "params: EOF" : "params: unexpected EOF";
  return -1;
}

// encoding/json's scanner as json.Decoder runs it over d: where the first
// value ends, or -1 with the error Decode returns. It does not check UTF-8.
function scan(d: Uint8Array): i32 {
  const stack: u8[] = []; // '{' key, ':' value, '[' element
  let st = S_VALUE;
  let lit = "";
  let u = 0;
  const n = d.length;
  for (let i = 0; i <= n; i++) {
    const c: u32 = i < n ? <u32>d[i] : 0x20; // json.Decoder feeds a space at EOF
    for (;;) {
      if (st == S_VALUE || st == S_VALUE_OR_EMPTY) {
        if (isSpace(c)) break;
        if (st == S_VALUE_OR_EMPTY && c == 0x5d) { stack.pop(); st = S_END; break; }
        if (c == 0x7b || c == 0x5b) {
          stack.push(<u8>c);
          st = c == 0x7b ? S_KEY_OR_EMPTY : S_VALUE_OR_EMPTY;
          if (stack.length > 10000) return syntax(c, "exceeded max depth");
        } else if (c == 0x22) st = S_STR;
        else if (c == 0x2d) st = S_NEG;
        else if (c == 0x30) st = S_ZERO;
        else if (c >= 0x31 && c <= 0x39) st = S_ONE;
        else if (c == 0x74) { lit = "true"; u = 1; st = S_LIT; }
        else if (c == 0x66) { lit = "false"; u = 1; st = S_LIT; }
        else if (c == 0x6e) { lit = "null"; u = 1; st = S_LIT; }
        else if (i == n) return eof(d);
        else return syntax(c, "looking for beginning of value");
        break;
      }
      if (st == S_KEY_OR_EMPTY || st == S_KEY) {
        if (isSpace(c)) break;
        if (st == S_KEY_OR_EMPTY && c == 0x7d) { stack.pop(); st = S_END; break; }
        if (c == 0x22) { st = S_STR; break; }
        if (i == n) return eof(d);
        return syntax(c, "looking for beginning of object key string");
      }
      if (st == S_STR) {
        if (i == n) return eof(d);
        if (c == 0x22) st = S_END;
        else if (c == 0x5c) st = S_ESC;
        else if (c < 0x20) return syntax(c, "in string literal");
        break;
      }
      if (st == S_ESC) {
        if (i == n) return eof(d);
        if (c == 0x75) { st = S_U; u = 0; break; }
        if (c == 0x62 || c == 0x66 || c == 0x6e || c == 0x72 || c == 0x74 || c == 0x5c || c == 0x2f || c == 0x22) { st = S_STR; break; }
        return syntax(c, "in string escape code");
      }
      if (st == S_U) {
        if (i == n) return eof(d);
        if (hexVal(c) < 0) return syntax(c, "in \\u hexadecimal character escape");
        if (++u == 4) st = S_STR;
        break;
      }
      if (st == S_NEG) {
        if (c == 0x30) { st = S_ZERO; break; }
        if (c >= 0x31 && c <= 0x39) { st = S_ONE; break; }
        if (i == n) return eof(d);
        return syntax(c, "in numeric literal");
      }
      if (st == S_ONE || st == S_ZERO) {
        if (st == S_ONE && isDigit(c)) break;
        if (c == 0x2e) { st = S_DOT; break; }
        if (c == 0x65 || c == 0x45) { st = S_E; break; }
        st = S_END;
        continue;
      }
      if (st == S_DOT) {
        if (isDigit(c)) { st = S_DOT0; break; }
        if (i == n) return eof(d);
        return syntax(c, "after decimal point in numeric literal");
      }
      if (st == S_DOT0) {
        if (isDigit(c)) break;
        if (c == 0x65 || c == 0x45) { st = S_E; break; }
        st = S_END;
        continue;
      }
      if (st == S_E || st == S_ESIGN) {
        if (st == S_E && (c == 0x2b || c == 0x2d)) { st = S_ESIGN; break; }
        if (isDigit(c)) { st = S_E0; break; }
        if (i == n) return eof(d);
        return syntax(c, "in exponent of numeric literal");
      }
      if (st == S_E0) {
        if (isDigit(c)) break;
        st = S_END;
        continue;
      }
      if (st == S_LIT) {
        if (c == <u32>lit.charCodeAt(u)) { if (++u == lit.length) st = S_END; break; }
        if (i == n) return eof(d);
        return syntax(c, "in literal " + lit + " (expecting " + quoteChar(<u8>lit.charCodeAt(u)) + ")");
      }
      // S_END
      if (stack.length == 0) return i; // the value ended before this byte
      if (isSpace(c)) break;
      const top = stack[stack.length - 1];
      if (top == 0x7b) {
        if (c == 0x3a) { stack[stack.length - 1] = 0x3a; st = S_VALUE; break; }
        if (i == n) return eof(d);
        return syntax(c, "after object key");
      }
      if (top == 0x3a) {
        if (c == 0x2c) { stack[stack.length - 1] = 0x7b; st = S_KEY; break; }
        if (c == 0x7d) { stack.pop(); break; }
        if (i == n) return eof(d);
        return syntax(c, "after object key:value pair");
      }
      if (c == 0x2c) { st = S_VALUE; break; }
      if (c == 0x5d) { stack.pop(); break; }
      if (i == n) return eof(d);
      return syntax(c, "after array element");
    }
  }
  return eof(d);
}

// A reader over scanned (valid) JSON.
class Dec {
  pos: i32 = 0;
  constructor(public d: Uint8Array, public n: i32) {}

  space(): void { while (this.pos < this.n && isSpace(this.d[this.pos])) this.pos++; }

  hex4(i: i32): i32 {
    if (i + 6 > this.n || this.d[i] != 0x5c || this.d[i + 1] != 0x75) return -1;
    let v = 0;
    for (let j = 2; j < 6; j++) {
      const h = hexVal(this.d[i + j]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    return v;
  }

  // The string at pos (its quote), unquoted as encoding/json does.
  string(): string {
    const d = this.d;
    let i = this.pos + 1;
    let out = "";
    while (d[i] != 0x22) {
      if (d[i] == 0x5c) {
        const e = d[i + 1];
        if (e != 0x75) {
          out += String.fromCharCode(e == 0x62 ? 8 : e == 0x66 ? 12 : e == 0x6e ? 10 : e == 0x72 ? 13 : e == 0x74 ? 9 : e);
          i += 2;
          continue;
        }
        let r = this.hex4(i);
        i += 6;
        if (r >= 0xd800 && r < 0xe000) {
          const lo = this.hex4(i);
          if (r < 0xdc00 && lo >= 0xdc00 && lo < 0xe000) { r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00); i += 6; }
          else r = 0xfffd;
        }
        out += String.fromCodePoint(r);
        continue;
      }
      if (d[i] < 0x80) { out += String.fromCharCode(d[i]); i++; continue; }
      const k = utf8Len(d, i);
      if (k == 0) { out += "\ufffd"; i++; continue; }
      out += String.UTF8.decodeUnsafe(d.dataStart + <usize>i, <usize>k);
      i += k;
    }
    this.pos = i + 1;
    return out;
  }

  // Skips the value at pos.
  skip(): void {
    let depth = 0;
    do {
      this.space();
      const c = this.d[this.pos];
      if (c == 0x22) this.string();
      else if (c == 0x7b || c == 0x5b) { depth++; this.pos++; }
      else if (c == 0x7d || c == 0x5d) { depth--; this.pos++; }
      else if (c == 0x2c || c == 0x3a) this.pos++;
      else {
        while (this.pos < this.n) {
          const x = this.d[this.pos];
          if (isSpace(x) || x == 0x2c || x == 0x7d || x == 0x5d || x == 0x3a) break;
          this.pos++;
        }
      }
    } while (depth > 0);
  }
}

// encoding/json's folded match: ASCII case, and the two non-ASCII runes
// that fold into ASCII letters (ſ and the Kelvin sign K).
function foldEq(key: string, field: string): bool {
  let j = 0;
  for (let i = 0; i < key.length; i++) {
    let c = <u32>key.charCodeAt(i);
    if (c == 0x17f) c = 0x73;
    else if (c == 0x212a) c = 0x6b;
    else if (c >= 0x80) return false;
    else if (c >= 0x41 && c <= 0x5a) c += 32;
    if (j >= field.length || <u32>field.charCodeAt(j) != c) return false;
    j++;
  }
  return j == field.length;
}

let parsedInt: i64 = 0;

// strconv.ParseInt(d[a:b], 10, 64) into parsedInt; false on error.
function parseI64(d: Uint8Array, a: i32, b: i32): bool {
  let neg = false;
  if (a < b && (d[a] == 0x2d || d[a] == 0x2b)) { neg = d[a] == 0x2d; a++; }
  if (a == b) return false;
  let u: u64 = 0;
  for (let i = a; i < b; i++) {
    const c = <u64>d[i];
    if (c < 0x30 || c > 0x39) return false;
    if (u > 1844674407370955161) return false; // u*10 would pass 2^64-1
    const v = u * 10 + (c - 0x30);
    if (v < u * 10) return false;
    u = v;
  }
  if (neg ? u > 0x8000000000000000 : u >= 0x8000000000000000) return false;
  parsedInt = neg ? <i64>(0 - u) : <i64>u;
  return true;
}

/**
 * Decodes raw as assay.DecodeParams decodes it into a Go struct named
 * goType (e.g. "main.params") with these fields, and returns what it sets,
 * in input order; null with the Go SDK's reason ("params: ...") in
 * paramsError.
 */
export function decodeParams(raw: Uint8Array, goType: string, fields: Field[]): ParamSet[] | null {
  if (raw.length == 0) { paramsError = "params: empty, want JSON"; return null; }
  const end = scan(raw);
  if (end < 0) return null;
  const g = new Dec(raw, end);
  let err = "";
  const sets: ParamSet[] = [];
  const dot = goType.lastIndexOf(".");
  const structName = goType.substring(dot + 1);
  g.space();
  const c0 = raw[g.pos];
  if (c0 == 0x7b) {
    g.pos++;
    for (;;) {
      g.space();
      if (raw[g.pos] == 0x7d) break;
      if (raw[g.pos] == 0x2c) { g.pos++; g.space(); }
      const key = g.string();
      g.space();
      g.pos++; // ':'
      g.space();
      let f = -1;
      for (let i = 0; i < fields.length && f < 0; i++) if (fields[i].name == key) f = i;
      for (let i = 0; i < fields.length && f < 0; i++) if (foldEq(key, fields[i].name)) f = i;
      if (f < 0) {
        if (err.length == 0) err = "params: json: unknown field " + quote(key);
        g.skip();
        continue;
      }
      const name = fields[f].name, type = fields[f].type;
      const typeErr = "into Go struct field " + structName + "." + name + " of type " + typeName(type);
      const start = g.pos;
      const c = raw[g.pos];
      const s = new ParamSet();
      s.field = f;
      if (c == 0x6e) {
        if (type == TYPE_PTR_INT64) { s.isNil = true; sets.push(s); }
        g.skip();
      } else if (c == 0x22) {
        if (type == TYPE_STRING) { s.str = g.string(); sets.push(s); }
        else { if (err.length == 0) err = "params: json: cannot unmarshal string " + typeErr; g.skip(); }
      } else if (c == 0x74 || c == 0x66) {
        if (type == TYPE_BOOL) { s.bool = c == 0x74; sets.push(s); }
        else if (err.length == 0) err = "params: json: cannot unmarshal bool " + typeErr;
        g.skip();
      } else if (c == 0x5b || c == 0x7b) {
        if (err.length == 0) err = "params: json: cannot unmarshal " + (c == 0x5b ? "array " : "object ") + typeErr;
        g.skip();
      } else {
        g.skip();
        if (type == TYPE_STRING || type == TYPE_BOOL) {
          if (err.length == 0) err = "params: json: cannot unmarshal number " + typeErr;
        } else if (!parseI64(raw, start, g.pos)) {
          if (err.length == 0) err = "params: json: cannot unmarshal number " + String.UTF8.decodeUnsafe(raw.dataStart + <usize>start, <usize>(g.pos - start)) + " " + typeErr;
        } else { s.int = parsedInt; sets.push(s); }
      }
    }
  } else if (c0 != 0x6e) {
    const kind = c0 == 0x5b ? "array" : c0 == 0x22 ? "string" : c0 == 0x74 || c0 == 0x66 ? "bool" : "number";
    err = "params: json: cannot unmarshal " + kind + " into Go value of type " + goType;
  }
  if (err.length > 0) { paramsError = err; return null; }
  for (let i = end; i < raw.length; i++) {
    if (!isSpace(raw[i])) { paramsError = "params: trailing data after the JSON value"; return null; }
  }
  return sets;
}
