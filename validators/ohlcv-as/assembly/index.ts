// validators/ohlcv in AssemblyScript: the same params, checks, reasons and
// RFC 8785 output as the Go reference validator program (see its package
// comment). Build: make (the compiler is sdk/as's pinned assemblyscript).
import * as assay from "../../../sdk/as/assembly/index";
import { Value, Bytes, Dec, parse, quote, appendString, appendInt, KIND_NUMBER, KIND_STRING, KIND_ARRAY, KIND_OBJECT } from "../../../sdk/as/assembly/index";
import { Field, decodeParams, paramsError, TYPE_STRING, TYPE_BOOL, TYPE_INT, TYPE_INT64, TYPE_PTR_INT64 } from "../../../sdk/as/assembly/params";
import { formatE } from "../../../sdk/as/assembly/num";
import { jsonError } from "../../../sdk/as/assembly/json";
import { decError } from "../../../sdk/as/assembly/dec";

// abortTrap is the abort handler (asc --use abort=assembly/index/abortTrap): a trap.
export function abortTrap(message: string | null, file: string | null, line: u32, column: u32): void {
  unreachable();
}

class Params {
  symbol: string = "";
  interval: i64 = 0;
  window: i64 = 0;
  hasStart: bool = false;
  hasEnd: bool = false;
  windowStart: i64 = 0;
  windowEnd: i64 = 0;
  timeUnit: string = "";
  complete: bool = false;
  maxCandles: i64 = 0;
  maxBytes: i64 = 0;
}

let reason = "";

function fail(msg: string): bool { reason = msg; return false; }

function floorDiv(a: i64, b: i64): i64 {
  let q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) q--;
  return q;
}

const PARAM_FIELDS: Field[] = [
  new Field("symbol", TYPE_STRING), new Field("interval", TYPE_INT64), new Field("window", TYPE_INT64),
  new Field("window_start", TYPE_PTR_INT64), new Field("window_end", TYPE_PTR_INT64), new Field("time_unit", TYPE_STRING),
  new Field("complete", TYPE_BOOL), new Field("max_candles", TYPE_INT), new Field("max_bytes", TYPE_INT),
];

function parseParams(raw: Uint8Array, p: Params): bool {
  const sets = decodeParams(raw, "main.params", PARAM_FIELDS);
  if (sets === null) return fail(paramsError);
  for (let i = 0; i < sets.length; i++) {
    const s = sets[i];
    switch (s.field) {
      case 0: p.symbol = s.str; break;
      case 1: p.interval = s.int; break;
      case 2: p.window = s.int; break;
      case 3: p.hasStart = !s.isNil; p.windowStart = s.int; break;
      case 4: p.hasEnd = !s.isNil; p.windowEnd = s.int; break;
      case 5: p.timeUnit = s.str; break;
      case 6: p.complete = s.bool; break;
      case 7: p.maxCandles = s.int; break;
      case 8: p.maxBytes = s.int; break;
    }
  }
  if (p.symbol.length == 0) return fail("params: symbol is required");
  if (p.timeUnit.length > 0 && p.timeUnit != "s" && p.timeUnit != "ms")
    return fail("params: time_unit " + quote(p.timeUnit) + ", want \"s\" or \"ms\"");
  if (p.interval < 0 || p.window < 0 || p.maxCandles < 0 || p.maxBytes < 0)
    return fail("params: interval, window, max_candles and max_bytes must not be negative");
  if (p.hasStart != p.hasEnd) return fail("params: give both window_start and window_end, or neither");
  if (!p.hasStart && p.window == 0) return fail("params: give window, or window_start and window_end");
  if (p.timeUnit.length == 0) p.timeUnit = "s";
  if (p.maxCandles == 0) p.maxCandles = 1000;
  if (p.maxBytes == 0) p.maxBytes = 48 << 10;
  return true;
}

// goExpText is what Go's strconv.FormatFloat(f, 'e', -1, 64) prints for a
// decimal with at most 15 significant digits (its shortest digits are its
// own): d[.ddd]e±XX.
function goExpText(d: Dec): string {
  if (d.digits.length == 0) return (d.neg ? "-" : "") + "0e+00";
  const e10 = d.digits.length - 1 + d.exp;
  let s = d.neg ? "-" : "";
  s += d.digits.substring(0, 1);
  if (d.digits.length > 1) s += "." + d.digits.substring(1);
  const a = e10 < 0 ? -e10 : e10;
  return s + "e" + (e10 < 0 ? "-" : "+") + (a < 10 ? "0" : "") + a.toString();
}

// decimalOf is sdk/dec's FromFloat of a JSON number, or Parse of a string.
function decimalOf(v: Value): Dec | null {
  if (v.kind == KIND_STRING) return Dec.parse(v.str);
  if (v.kind != KIND_NUMBER) { decError = "a " + v.kindName() + ", want a number or a decimal string"; return null; }
  const exact = Dec.parse(v.raw);
  if (exact !== null && exact.digits.length <= 15) return Dec.parse(goExpText(exact));
  // More than 15 digits: the double's shortest digits, as Go's
  // strconv.FormatFloat(f, 'e', -1, 64) writes them.
  return Dec.parse(formatE(v.num));
}

const FIELDS: string[] = ["t", "o", "h", "l", "c", "v"];

class Candle {
  t: i64 = 0;
  d: Dec[] = []; // o, h, l, c, v
}

function parseCandle(e: Value, c: Candle): bool {
  let fields: Value[] = [];
  if (e.kind == KIND_ARRAY) {
    if (e.arr.length != 6) return fail("array of " + e.arr.length.toString() + " values, want [t, o, h, l, c, v]");
    fields = e.arr;
  } else if (e.kind == KIND_OBJECT) {
    if (e.arr.length != 6) return fail("object with " + e.arr.length.toString() + " members, want t, o, h, l, c, v");
    for (let i = 0; i < 6; i++) {
      const f = e.get(FIELDS[i]);
      if (f === null) return fail("missing " + quote(FIELDS[i]));
      fields.push(f);
    }
  } else return fail("a " + e.kindName() + ", want an object or an array");
  if (!fields[0].isInteger()) return fail("t is not an integer");
  c.t = <i64>fields[0].num;
  for (let i = 1; i < 6; i++) {
    const d = decimalOf(fields[i]);
    if (d === null) return fail(FIELDS[i] + ": " + decError);
    c.d.push(d);
  }
  return true;
}

function checkCandle(c: Candle, i: i32, prev: Candle | null, p: Params, ws: i64, we: i64): bool {
  const o = c.d[0], h = c.d[1], l = c.d[2], cl = c.d[3], v = c.d[4];
  const is = i.toString();
  if (c.t < ws || c.t >= we) return fail("candle " + is + ": t " + c.t.toString() + " outside window [" + ws.toString() + ", " + we.toString() + ")");
  if (prev !== null && c.t <= prev.t) return fail("candle " + is + ": t " + c.t.toString() + " is not after the previous candle's " + prev.t.toString());
  if (p.interval > 0 && (c.t - ws) % p.interval != 0)
    return fail("candle " + is + ": t " + c.t.toString() + " is not on the " + p.interval.toString() + " interval grid from " + ws.toString());
  if (l.cmp(h) > 0) return fail("candle " + is + ": low " + l.toString() + " > high " + h.toString());
  if (o.cmp(l) < 0 || o.cmp(h) > 0) return fail("candle " + is + ": open " + o.toString() + " outside [low " + l.toString() + ", high " + h.toString() + "]");
  if (cl.cmp(l) < 0 || cl.cmp(h) > 0) return fail("candle " + is + ": close " + cl.toString() + " outside [low " + l.toString() + ", high " + h.toString() + "]");
  if (v.sign() < 0) return fail("candle " + is + ": volume " + v.toString() + " is negative");
  return true;
}

function run(): bool {
  const p = new Params();
  if (!parseParams(assay.params(), p)) return false;
  let ws = p.windowStart, we = p.windowEnd;
  if (p.hasStart) {
    if (we <= ws) return fail("params: window_end " + we.toString() + " is not after window_start " + ws.toString());
  } else {
    const now = p.timeUnit == "ms" ? floorDiv(assay.roundTime(), 1000000) : assay.roundUnix();
    we = floorDiv(now, p.window) * p.window;
    ws = we - p.window;
  }
  const n = assay.inputLen();
  if (<i64>n > p.maxBytes) return fail("input of " + n.toString() + " bytes exceeds max_bytes " + p.maxBytes.toString());
  const v = parse(assay.input(), 4, <i32>(7 * p.maxCandles + 1));
  if (v === null) return fail("input is not valid JSON: " + jsonError);
  if (v.kind != KIND_ARRAY) return fail("input is a JSON " + v.kindName() + ", want an array of candles");
  if (v.arr.length == 0) return fail("no candles in window [" + ws.toString() + ", " + we.toString() + ")");
  if (<i64>v.arr.length > p.maxCandles) return fail(v.arr.length.toString() + " candles exceed max_candles " + p.maxCandles.toString());
  const out: Candle[] = [];
  for (let i = 0; i < v.arr.length; i++) {
    const c = new Candle();
    if (!parseCandle(v.arr[i], c)) return fail("candle " + i.toString() + ": " + reason);
    if (!checkCandle(c, i, i > 0 ? out[i - 1] : null, p, ws, we)) return false;
    out.push(c);
  }
  if (p.complete && p.interval > 0) {
    const want = (we - ws + p.interval - 1) / p.interval;
    if (<i64>out.length != want) return fail("window has " + out.length.toString() + " candles, want " + want.toString() + " (complete)");
  }
  const b = new Bytes();
  b.ascii("{\"candles\":[");
  for (let i = 0; i < out.length; i++) {
    if (i > 0) b.push(0x2c);
    b.push(0x5b);
    appendInt(b, out[i].t);
    for (let j = 0; j < 5; j++) { b.push(0x2c); appendString(b, out[i].d[j].toString()); }
    b.push(0x5d);
  }
  b.ascii("],\"interval\":"); appendInt(b, p.interval);
  b.ascii(",\"symbol\":"); appendString(b, p.symbol);
  b.ascii(",\"time_unit\":"); appendString(b, p.timeUnit);
  b.ascii(",\"window_end\":"); appendInt(b, we);
  b.ascii(",\"window_start\":"); appendInt(b, ws);
  b.push(0x7d);
  assay.output(b.bytes());
  return true;
}

export function validate(): void {
  if (!run()) assay.reject(reason);
}
