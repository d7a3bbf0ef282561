/*
 * assay.h — the Assay validator ABI v1 for C (and anything clang compiles
 * to wasm32). Header only; no libc needed.
 *
 * A validator program exports `validate` (use ASSAY_VALIDATE) and reads its input
 * and params through the "assay" host imports below. Returning from
 * validate ACCEPTS with whatever was written with assay_output_write;
 * calling assay_reject REJECTS with a reason and ends the run.
 *
 * Build (see examples/c-validator/Makefile):
 *
 *   clang --target=wasm32 -O2 -nostdlib -mbulk-memory -msign-ext \
 *         -I sdk/c -Wl,--no-entry -Wl,--export=validate -Wl,--strip-all \
 *         -o v.wasm v.c
 *
 * The names and signatures match runtime/abi (docs/abi.md).
 */
#ifndef ASSAY_H
#define ASSAY_H

#include <stdint.h>
#include <stddef.h>

#define ASSAY_IMPORT(name) __attribute__((import_module("assay"), import_name(name)))

/* Length of the fetched input in bytes. */
ASSAY_IMPORT("input_len") int32_t assay_input_len(void);
/* Copies up to len bytes of input from offset into dst; returns bytes copied. */
ASSAY_IMPORT("input_read") int32_t assay_input_read(void *dst, int32_t offset, int32_t len);
/* Length of the source's static params in bytes. */
ASSAY_IMPORT("params_len") int32_t assay_params_len(void);
/* As assay_input_read, for the params. */
ASSAY_IMPORT("params_read") int32_t assay_params_read(void *dst, int32_t offset, int32_t len);
/* The round's block height. */
ASSAY_IMPORT("round_height") int64_t assay_round_height(void);
/* The round's block time in unix nanoseconds. */
ASSAY_IMPORT("round_time") int64_t assay_round_time(void);
/* Appends len bytes to the output (past the output limit the run FAILS). */
ASSAY_IMPORT("output_write") void assay_output_write(const void *src, int32_t len);
/* Ends the run now with verdict REJECTED and this reason. Does not return. */
ASSAY_IMPORT("reject") void assay_reject(const void *msg, int32_t len);
/* Debug text for the job's log (capped, never part of consensus). */
ASSAY_IMPORT("log") void assay_log(const void *msg, int32_t len);

/* Marks the program's entry point: ASSAY_VALIDATE { ... } */
#define ASSAY_VALIDATE __attribute__((export_name("validate"))) void validate(void)

/* ---- small helpers (static inline, no libc) ---- */

/* Length of a NUL-terminated string. */
static inline int32_t assay_strlen(const char *s) {
	int32_t n = 0;
	while (s[n]) n++;
	return n;
}

/* Writes a NUL-terminated string to the output. */
static inline void assay_output_str(const char *s) { assay_output_write(s, assay_strlen(s)); }

/* Rejects with a NUL-terminated reason. */
static inline void assay_reject_str(const char *s) { assay_reject(s, assay_strlen(s)); }

/* Logs a NUL-terminated string. */
static inline void assay_log_str(const char *s) { assay_log(s, assay_strlen(s)); }

/* Reads the whole input into buf (at most cap bytes); returns its length,
 * or -1 if the input is longer than cap. */
static inline int32_t assay_read_input(void *buf, int32_t cap) {
	int32_t n = assay_input_len();
	if (n > cap) return -1;
	int32_t off = 0;
	while (off < n) {
		int32_t c = assay_input_read((uint8_t *)buf + off, off, n - off);
		if (c <= 0) break;
		off += c;
	}
	return off;
}

/* As assay_read_input, for the params. */
static inline int32_t assay_read_params(void *buf, int32_t cap) {
	int32_t n = assay_params_len();
	if (n > cap) return -1;
	int32_t off = 0;
	while (off < n) {
		int32_t c = assay_params_read((uint8_t *)buf + off, off, n - off);
		if (c <= 0) break;
		off += c;
	}
	return off;
}

/* Formats v in decimal into buf (at least 21 bytes); returns the length. */
static inline int32_t assay_fmt_u64(char *buf, uint64_t v) {
	char tmp[20];
	int32_t n = 0, i = 0;
	do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
	while (n) buf[i++] = tmp[--n];
	buf[i] = 0;
	return i;
}

/* Writes v in decimal to the output. */
static inline void assay_output_u64(uint64_t v) {
	char buf[21];
	assay_output_write(buf, assay_fmt_u64(buf, v));
}

#endif /* ASSAY_H */
