// The Assay validator ABI v1 for AssemblyScript (docs/abi.md; names in
// runtime/abi). A validator program's entry file exports `validate`:
//
//   import * as assay from "../../sdk/as/assembly/index";
//   export function validate(): void {
//     const input = assay.input();
//     if (input.length == 0) assay.reject("empty input");
//     assay.output(input);
//   }
//
// The entry file also defines the abort handler, a trap, that asc wires
// with `--use abort=assembly/index/abortTrap`; build with `--runtime stub`
// (see validators/ohlcv-as/Makefile): no imports besides "assay".
//
//   export function abortTrap(m: string | null, f: string | null, l: u32, c: u32): void { unreachable(); }

@external("assay", "input_len") declare function input_len(): i32;
@external("assay", "input_read") declare function input_read(dst: usize, offset: i32, len: i32): i32;
@external("assay", "params_len") declare function params_len(): i32;
@external("assay", "params_read") declare function params_read(dst: usize, offset: i32, len: i32): i32;
@external("assay", "round_height") declare function round_height(): i64;
@external("assay", "round_time") declare function round_time(): i64;
@external("assay", "output_write") declare function output_write(src: usize, len: i32): void;
@external("assay", "reject") declare function reject_(msg: usize, len: i32): void;
@external("assay", "log") declare function log_(msg: usize, len: i32): void;

/** Length of the fetched input in bytes. */
export function inputLen(): i32 { return input_len(); }

/** The whole input (one host call). */
export function input(): Uint8Array {
  const n = input_len();
  const b = new Uint8Array(n);
  input_read(b.dataStart, 0, n);
  return b;
}

/** The whole params. */
export function params(): Uint8Array {
  const n = params_len();
  const b = new Uint8Array(n);
  params_read(b.dataStart, 0, n);
  return b;
}

/** The round's block height. */
export function roundHeight(): i64 { return round_height(); }

/** The round's block time in unix nanoseconds. */
export function roundTime(): i64 { return round_time(); }

/** The round's time in whole unix seconds, rounded down. */
export function roundUnix(): i64 {
  const t = round_time();
  let s = t / 1000000000;
  if (t < 0 && t % 1000000000 != 0) s--;
  return s;
}

/** Appends bytes to the output. */
export function output(b: Uint8Array): void { output_write(b.dataStart, b.length); }

/** Appends a string (UTF-8) to the output. */
export function outputString(s: string): void {
  const b = String.UTF8.encode(s);
  output_write(changetype<usize>(b), b.byteLength);
}

/** Ends the job now with REJECTED and this reason. */
export function reject(reason: string): void {
  const b = String.UTF8.encode(reason);
  reject_(changetype<usize>(b), b.byteLength);
  unreachable();
}

/** Debug text for the job's log (capped; never part of a verdict). */
export function log(msg: string): void {
  const b = String.UTF8.encode(msg);
  log_(changetype<usize>(b), b.byteLength);
}


export * from "./json";
export * from "./dec";
export * from "./num";
export * from "./params";
