// Exact conversions between decimal text and doubles, as Go's strconv
// does them: parseF64 is ParseFloat (correctly rounded, ties to even),
// shortest gives the digits of FormatFloat(f, 'e', -1, 64) (the fewest
// digits that read back as f, the nearest of them). AssemblyScript's own
// parseFloat and f64.toString are not exact for 17 significant digits
// (0.30000000000000004 reads and prints as ...07). The slow paths use
// exact decimal expansions of doubles (a double m·2^e is a finite
// decimal), in base-10^9 limbs; short inputs take Clinger's fast path.

const BASE: u64 = 1000000000;

/** A positive decimal 0.d1d2d3… × 10^point: digits (values 0-9) with no leading or trailing zeros (none = 0). */
export class Digits {
  constructor(public d: Uint8Array, public n: i32, public point: i32) {}
  /** The digits as text. */
  text(): string {
    let s = "";
    for (let i = 0; i < this.n; i++) s += String.fromCharCode(0x30 + this.d[i]);
    return s;
  }
}

const ZERO = new Digits(new Uint8Array(0), 0, 0);

// m·2^e as an exact decimal.
function expand(m: u64, e: i32): Digits {
  if (m == 0) return ZERO;
  const limbs: u64[] = [];
  while (m > 0) { limbs.push(m % BASE); m /= BASE; }
  let shift = 0;
  if (e >= 0) {
    let left = e;
    while (left > 0) {
      const k = left < 29 ? left : 29;
      mulSmall(limbs, (<u64>1) << <u64>k);
      left -= k;
    }
  } else {
    let left = -e;
    while (left > 0) {
      const k = left < 12 ? left : 12;
      let p: u64 = 1;
      for (let i = 0; i < k; i++) p *= 5;
      mulSmall(limbs, p);
      left -= k;
    }
    shift = e; // N·5^-e × 10^e
  }
  const d = new Uint8Array(limbs.length * 9);
  let n = 0;
  for (let i = limbs.length - 1; i >= 0; i--) {
    let x = limbs[i];
    for (let j = 8; j >= 0; j--) { d[n + j] = <u8>(x % 10); x /= 10; }
    n += 9;
  }
  let a = 0;
  while (d[a] == 0) a++;
  let b = n;
  while (d[b - 1] == 0) b--;
  return new Digits(d.subarray(a, b), b - a, n - a + shift);
}

function mulSmall(limbs: u64[], k: u64): void {
  let carry: u64 = 0;
  for (let i = 0; i < limbs.length; i++) {
    const x = limbs[i] * k + carry;
    limbs[i] = x % BASE;
    carry = x / BASE;
  }
  while (carry > 0) { limbs.push(carry % BASE); carry /= BASE; }
}

// -1, 0 or +1 as a is less than, equal to or greater than b.
function cmpDigits(a: Digits, b: Digits): i32 {
  if (a.n == 0 || b.n == 0) {
    if (a.n == b.n) return 0;
    return a.n == 0 ? -1 : 1;
  }
  if (a.point != b.point) return a.point < b.point ? -1 : 1;
  const n = max(a.n, b.n);
  for (let i = 0; i < n; i++) {
    const x = i < a.n ? a.d[i] : 0;
    const y = i < b.n ? b.d[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

// The mantissa and binary exponent of a finite double >= 0: f = m·2^e.
function mant(bits: u64): u64 {
  const f = bits & 0xfffffffffffff;
  return (bits >> 52) == 0 ? f : f | 0x10000000000000;
}
function bexp(bits: u64): i32 {
  const x = <i32>(bits >> 52);
  return x == 0 ? -1074 : x - 1075;
}

// The exact decimal halfway between the doubles with bits a and b = a+1.
function midpoint(a: u64, b: u64): Digits {
  const ea = bexp(a), eb = bexp(b);
  const e = min(ea, eb);
  const m = (mant(a) << <u64>(ea - e)) + (mant(b) << <u64>(eb - e));
  return expand(m, e - 1);
}

const POW10: f64[] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const MAX_BITS: u64 = 0x7fefffffffffffff;
const INF_BITS: u64 = 0x7ff0000000000000;

// The first k digits of d as an integer (k <= 19).
function leading(d: Digits, k: i32): u64 {
  let x: u64 = 0;
  for (let i = 0; i < k; i++) x = x * 10 + <u64>d.d[i];
  return x;
}

/** The double nearest to d (ties to even), +Inf beyond the largest. */
export function nearest(d: Digits): f64 {
  const n = d.n;
  if (n == 0 || d.point < -323) return 0;
  if (d.point > 310) return Infinity;
  const k = d.point - n; // d = digits × 10^k
  if (n <= 15 && k >= -22 && k <= 22) {
    const x = <f64>leading(d, n);
    return k < 0 ? x / POW10[-k] : x * POW10[k];
  }
  // A guess within a few units in the last place, then exact steps.
  // (The first 19 digits times powers of ten: each step rounds once, and
  // only the last can be subnormal.)
  const used = n < 19 ? n : 19;
  let guess = <f64>leading(d, used);
  let e = d.point - used;
  while (e > 22) { guess *= 1e22; e -= 22; }
  while (e < -22) { guess /= 1e22; e += 22; }
  guess = e < 0 ? guess / POW10[-e] : guess * POW10[e];
  let bits = reinterpret<u64>(guess);
  if (bits >= INF_BITS) bits = MAX_BITS;
  for (let i = 0; i < 2000; i++) {
    if (bits < MAX_BITS) {
      const c = cmpDigits(d, midpoint(bits, bits + 1));
      if (c > 0 || (c == 0 && (mant(bits) & 1) == 1)) { bits++; continue; }
    } else {
      // beyond MAX: +Inf from the midpoint of MAX and 2^1024 up
      const c = cmpDigits(d, expand(0x3fffffffffffff, 970));
      if (c >= 0) return Infinity;
    }
    if (bits > 0) {
      const c = cmpDigits(d, midpoint(bits - 1, bits));
      if (c < 0 || (c == 0 && (mant(bits) & 1) == 1)) { bits--; continue; }
    }
    return reinterpret<f64>(bits);
  }
  unreachable();
  return 0;
}

/** The digits of JSON number text (validated): -?int[.frac][e[+-]exp]. */
export function digitsOf(text: string): Digits {
  const d = new Uint8Array(text.length);
  let n = 0, lead = 0, fracLen = 0;
  let inFrac = false, nonzero = false;
  let exp: i64 = 0;
  for (let i = text.charCodeAt(0) == 0x2d ? 1 : 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x2e) { inFrac = true; continue; }
    if (c == 0x65 || c == 0x45) {
      let j = i + 1;
      let neg = false;
      if (text.charCodeAt(j) == 0x2d || text.charCodeAt(j) == 0x2b) { neg = text.charCodeAt(j) == 0x2d; j++; }
      for (; j < text.length; j++) {
        if (exp < 1000000000) exp = exp * 10 + <i64>(text.charCodeAt(j) - 0x30);
      }
      if (neg) exp = -exp;
      break;
    }
    if (inFrac) fracLen++;
    if (c == 0x30 && !nonzero) { lead++; continue; } // leading zeros
    nonzero = true;
    d[n++] = <u8>(c - 0x30);
  }
  while (n > 0 && d[n - 1] == 0) n--;
  if (n == 0) return ZERO;
  // value = digits (with the trailing zeros cut) × 10^(exp - fracLen + cut)
  let all = 0; // digits after the leading zeros, trailing zeros included
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x65 || c == 0x45) break;
    if (c >= 0x30 && c <= 0x39) all++;
  }
  let point = <i64>(all - lead) + exp - <i64>fracLen;
  if (point > 100000) point = 100000;
  if (point < -100000) point = -100000;
  return new Digits(d, n, <i32>point);
}

/** strconv.ParseFloat(text, 64) of valid JSON number text; ±Inf when out of range. */
export function parseF64(text: string): f64 {
  const f = nearest(digitsOf(text));
  return text.charCodeAt(0) == 0x2d ? -f : f;
}

/** The shortest digits that read back as |f| (finite, nonzero), the nearest of them. */
export function shortest(f: f64): Digits {
  const bits = reinterpret<u64>(f) & 0x7fffffffffffffff;
  const x = expand(mant(bits), bexp(bits));
  if (x.n <= 15 && (bits >> 52) != 0) return x; // a normal double's own 15 digits are its shortest
  // The decimals that read back as x lie between the midpoints to its
  // neighbours, the ends included when its mantissa is even.
  const lo = bits > 0 ? midpoint(bits - 1, bits) : ZERO;
  const hi = midpoint(bits, bits + 1);
  const even = (mant(bits) & 1) == 0;
  for (let p = 1; p < x.n; p++) {
    const down = truncate(x, p);
    const up = bumped(down, p);
    const cd = cmpDigits(down, lo), cu = cmpDigits(up, hi);
    const okDown = cd > 0 || (even && cd == 0);
    const okUp = cu < 0 || (even && cu == 0);
    if (!okDown && !okUp) continue;
    if (okDown && !okUp) return down;
    if (okUp && !okDown) return up;
    // both read back: the nearer, ties to the even digit
    const next = x.d[p];
    const rest = x.n > p + 1;
    if (next > 5 || (next == 5 && (rest || (x.d[p - 1] & 1) == 1))) return up;
    return down;
  }
  return x;
}

// The first p digits of x (p < x.n), trailing zeros cut.
function truncate(x: Digits, p: i32): Digits {
  let n = p;
  while (n > 0 && x.d[n - 1] == 0) n--;
  return new Digits(x.d.subarray(0, n), n, x.point);
}

// t (the first p digits of a decimal, trailing zeros cut) plus one unit in its p-th digit.
function bumped(t: Digits, p: i32): Digits {
  const d = new Uint8Array(p);
  for (let i = 0; i < t.n; i++) d[i] = t.d[i];
  let i = p - 1;
  while (i >= 0 && d[i] == 9) { d[i] = 0; i--; }
  if (i < 0) { d[0] = 1; return new Digits(d, 1, t.point + 1); }
  d[i]++;
  return new Digits(d, i + 1, t.point);
}

/** strconv.FormatFloat(f, 'e', -1, 64) of a finite f: d[.ddd]e±XX. */
export function formatE(f: f64): string {
  if (f == 0) return ((reinterpret<u64>(f) >> 63) != 0 ? "-" : "") + "0e+00";
  const d = shortest(f);
  let s = f < 0 ? "-" : "";
  const t = d.text();
  s += t.substring(0, 1);
  if (t.length > 1) s += "." + t.substring(1);
  const x = d.point - 1;
  const a = x < 0 ? -x : x;
  return s + "e" + (x < 0 ? "-" : "+") + (a < 10 ? "0" : "") + a.toString();
}
