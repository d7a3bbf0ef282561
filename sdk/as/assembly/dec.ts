// Exact decimals, as the Go SDK's sdk/dec: parse, compare, print without
// exponent or trailing zeros, with the same bounds and error texts.
import { quote } from "./json";

export const MAX_DIGITS = 60;
export const MAX_EXP = 100;

/** Why the last Dec.parse returned null. */
export let decError = "";

function clip(s: string): string { return s.length > 40 ? s.substring(0, 40) + "..." : s; }

function isDigits(s: string): bool {
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 0x30 || c > 0x39) return false; }
  return true;
}

function trimLeftZeros(s: string): string { let i = 0; while (i < s.length && s.charCodeAt(i) == 0x30) i++; return s.substring(i); }

const ATOI_OK = 0, ATOI_SYNTAX = 1, ATOI_RANGE = 2;
let atoiValue: i64 = 0;

// strconv.Atoi(s) into atoiValue: its syntax or range error, whichever it
// meets first scanning (an overflow before a bad character is a range
// error, as in Go).
function goAtoi(s: string): i32 {
  let i = 0;
  let neg = false;
  if (s.length > 0 && (s.charCodeAt(0) == 0x2b || s.charCodeAt(0) == 0x2d)) { neg = s.charCodeAt(0) == 0x2d; i = 1; }
  if (i == s.length) return ATOI_SYNTAX;
  let u: u64 = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return ATOI_SYNTAX;
    if (u >= 1844674407370955162) return ATOI_RANGE; // maxUint64/10 + 1
    const v = u * 10 + <u64>(c - 0x30);
    if (v < u * 10) return ATOI_RANGE;
    u = v;
  }
  if (neg ? u > 0x8000000000000000 : u >= 0x8000000000000000) return ATOI_RANGE;
  atoiValue = neg ? <i64>(0 - u) : <i64>u;
  return ATOI_OK;
}

/** sign × digits × 10^exp; digits has no leading or trailing zeros ("" = 0). */
export class Dec {
  neg: bool = false;
  digits: string = "";
  exp: i32 = 0;

  /** Parses [+-]digits[.digits][e[+-]digits]; null on error (decError). */
  static parse(s: string): Dec | null {
    let mant = s;
    let exp = 0;
    let ei = s.indexOf("e");
    if (ei < 0) ei = s.indexOf("E");
    if (ei >= 0) {
      const r = goAtoi(s.substring(ei + 1));
      if (r == ATOI_SYNTAX) { decError = "dec: invalid decimal: " + quote(clip(s)); return null; }
      if (r == ATOI_RANGE || atoiValue > 10 * MAX_EXP || atoiValue < -10 * MAX_EXP) { decError = "dec: decimal out of range: " + quote(clip(s)); return null; }
      exp = <i32>atoiValue;
      mant = s.substring(0, ei);
    }
    const d = new Dec();
    if (mant.length > 0 && (mant.charCodeAt(0) == 0x2d || mant.charCodeAt(0) == 0x2b)) { d.neg = mant.charCodeAt(0) == 0x2d; mant = mant.substring(1); }
    const dot = mant.indexOf(".");
    const intPart = dot < 0 ? mant : mant.substring(0, dot);
    const frac = dot < 0 ? "" : mant.substring(dot + 1);
    if ((intPart.length == 0 && frac.length == 0) || !isDigits(intPart) || !isDigits(frac)) {
      decError = "dec: invalid decimal: " + quote(clip(s));
      return null;
    }
    let digits = trimLeftZeros(intPart);
    digits = digits.length == 0 ? trimLeftZeros(frac) : digits + frac;
    exp -= frac.length;
    let end = digits.length;
    while (end > 0 && digits.charCodeAt(end - 1) == 0x30) end--;
    exp += digits.length - end;
    digits = digits.substring(0, end);
    if (digits.length == 0) return new Dec();
    if (digits.length > MAX_DIGITS || exp > MAX_EXP || exp < -MAX_EXP) {
      decError = "dec: decimal out of range: " + quote(clip(s));
      return null;
    }
    d.digits = digits; d.exp = exp;
    return d;
  }

  /** -1, 0 or +1. */
  sign(): i32 { return this.digits.length == 0 ? 0 : this.neg ? -1 : 1; }

  /** -1, 0 or +1 as this is less than, equal to or greater than e. */
  cmp(e: Dec): i32 {
    const ds = this.sign(), es = e.sign();
    if (ds != es) return ds < es ? -1 : 1;
    const da = this.digits.length + this.exp, ea = e.digits.length + e.exp;
    let c = 0;
    if (da != ea) c = da < ea ? -1 : 1;
    else {
      const n = max(this.digits.length, e.digits.length);
      for (let i = 0; i < n && c == 0; i++) {
        const x = i < this.digits.length ? this.digits.charCodeAt(i) : 0x30;
        const y = i < e.digits.length ? e.digits.charCodeAt(i) : 0x30;
        if (x != y) c = x < y ? -1 : 1;
      }
    }
    return this.neg ? -c : c;
  }

  /** Plain notation without exponent, trailing zeros or plus sign. */
  toString(): string {
    if (this.digits.length == 0) return "0";
    let s = this.neg ? "-" : "";
    const point = this.digits.length + this.exp;
    if (this.exp >= 0) s += this.digits + "0".repeat(this.exp);
    else if (point > 0) s += this.digits.substring(0, point) + "." + this.digits.substring(point);
    else s += "0." + "0".repeat(-point) + this.digits;
    return s;
  }
}
