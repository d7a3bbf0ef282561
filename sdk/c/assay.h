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


/* ==== RFC 8785 numbers: shortest round-trip double formatting ==== */

/* A bounded big natural number (32-bit words, little-endian) for exact
 * decimal <-> binary conversion. No malloc: callers keep them on the stack. */
#define ASSAY_BIG_WORDS 124
typedef struct { int32_t n; uint32_t w[ASSAY_BIG_WORDS]; } assay_big;

static inline void assay_big_set(assay_big *a, uint64_t v) {
	a->n = 0;
	while (v) { a->w[a->n++] = (uint32_t)v; v >>= 32; }
}
static inline void assay_big_copy(assay_big *d, const assay_big *s) {
	d->n = s->n;
	for (int32_t i = 0; i < s->n; i++) d->w[i] = s->w[i];
}
/* a = a*m + add */
static inline void assay_big_muladd(assay_big *a, uint32_t m, uint32_t add) {
	uint64_t carry = add;
	for (int32_t i = 0; i < a->n; i++) {
		uint64_t t = (uint64_t)a->w[i] * m + carry;
		a->w[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry && a->n < ASSAY_BIG_WORDS) a->w[a->n++] = (uint32_t)carry;
}
static inline void assay_big_mulpow10(assay_big *a, int32_t k) {
	for (; k >= 9; k -= 9) assay_big_muladd(a, 1000000000u, 0);
	static const uint32_t p10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
	if (k > 0) assay_big_muladd(a, p10[k], 0);
}
static inline void assay_big_shl(assay_big *a, int32_t bits) {
	if (a->n == 0 || bits <= 0) return;
	int32_t ws = bits / 32, bs = bits % 32, n = a->n + ws + 1;
	if (n > ASSAY_BIG_WORDS) n = ASSAY_BIG_WORDS;
	for (int32_t i = n - 1; i >= 0; i--) {
		int32_t j = i - ws;
		uint32_t hi = (j >= 0 && j < a->n) ? a->w[j] : 0;
		uint32_t lo = (j - 1 >= 0 && j - 1 < a->n) ? a->w[j - 1] : 0;
		a->w[i] = bs ? (hi << bs) | (lo >> (32 - bs)) : hi;
	}
	a->n = n;
	while (a->n > 0 && a->w[a->n - 1] == 0) a->n--;
}
static inline void assay_big_shr1(assay_big *a) {
	for (int32_t i = 0; i < a->n; i++)
		a->w[i] = (a->w[i] >> 1) | (i + 1 < a->n ? a->w[i + 1] << 31 : 0);
	while (a->n > 0 && a->w[a->n - 1] == 0) a->n--;
}
static inline int assay_big_cmp(const assay_big *a, const assay_big *b) {
	if (a->n != b->n) return a->n < b->n ? -1 : 1;
	for (int32_t i = a->n - 1; i >= 0; i--)
		if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}
/* d = a + b */
static inline void assay_big_add(assay_big *d, const assay_big *a, const assay_big *b) {
	int32_t n = a->n > b->n ? a->n : b->n;
	uint64_t carry = 0;
	for (int32_t i = 0; i < n; i++) {
		uint64_t t = carry + (i < a->n ? a->w[i] : 0) + (i < b->n ? b->w[i] : 0);
		d->w[i] = (uint32_t)t;
		carry = t >> 32;
	}
	d->n = n;
	if (carry && n < ASSAY_BIG_WORDS) d->w[d->n++] = (uint32_t)carry;
}
/* a -= b (requires a >= b) */
static inline void assay_big_sub(assay_big *a, const assay_big *b) {
	int64_t borrow = 0;
	for (int32_t i = 0; i < a->n; i++) {
		int64_t t = (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
		borrow = t < 0;
		a->w[i] = (uint32_t)(t + (borrow << 32));
	}
	while (a->n > 0 && a->w[a->n - 1] == 0) a->n--;
}
static inline int32_t assay_big_bitlen(const assay_big *a) {
	if (a->n == 0) return 0;
	uint32_t top = a->w[a->n - 1];
	int32_t b = 0;
	while (top) { b++; top >>= 1; }
	return (a->n - 1) * 32 + b;
}

static inline uint64_t assay_f64_bits(double f) { union { double f; uint64_t u; } x; x.f = f; return x.u; }
static inline double assay_bits_f64(uint64_t u) { union { double f; uint64_t u; } x; x.u = u; return x.f; }

/* assay_f64_digits writes the shortest decimal digits that read back as
 * v > 0 (finite), closest to v when several are shortest, ties to an even
 * digit: the digits ECMAScript's Number::toString uses. It returns their
 * count (at most 17) and sets *point so that v = 0.DIGITS × 10^point.
 * Exact (big-number Steele–White/Dragon4), no floating-point rounding. */
static inline int32_t assay_f64_digits(double v, char digits[18], int32_t *point) {
	uint64_t bits = assay_f64_bits(v);
	uint64_t f = bits & ((1ull << 52) - 1);
	int32_t be = (int32_t)((bits >> 52) & 0x7ff), e;
	if (be == 0) e = -1074; else { f |= 1ull << 52; e = be - 1075; }
	int even = (f & 1) == 0;
	assay_big r, s, mp, mm, t;
	int unequal = (be > 1 && f == (1ull << 52)); /* lower gap is half the upper */
	if (e >= 0) {
		assay_big_set(&r, f); assay_big_shl(&r, e + (unequal ? 2 : 1));
		assay_big_set(&s, unequal ? 4 : 2);
		assay_big_set(&mp, 1); assay_big_shl(&mp, e + (unequal ? 1 : 0));
		assay_big_set(&mm, 1); assay_big_shl(&mm, e);
	} else {
		assay_big_set(&r, f); assay_big_shl(&r, unequal ? 2 : 1);
		assay_big_set(&s, 1); assay_big_shl(&s, -e + (unequal ? 2 : 1));
		assay_big_set(&mp, unequal ? 2 : 1);
		assay_big_set(&mm, 1);
	}
	/* k estimate: ceil(log10 v), possibly one too low (fixed below). */
	int32_t flen = 0;
	for (uint64_t x = f; x; x >>= 1) flen++;
	double est = (double)(e + flen - 1) * 0.30102999566398114 - 1e-10;
	int32_t k = (int32_t)est;
	if ((double)k < est) k++;
	if (k >= 0) assay_big_mulpow10(&s, k);
	else { assay_big_mulpow10(&r, -k); assay_big_mulpow10(&mp, -k); assay_big_mulpow10(&mm, -k); }
	assay_big_add(&t, &r, &mp);
	if (even ? assay_big_cmp(&t, &s) >= 0 : assay_big_cmp(&t, &s) > 0) {
		assay_big_muladd(&s, 10, 0);
		k++;
	}
	*point = k;
	int32_t n = 0;
	for (;;) {
		assay_big_muladd(&r, 10, 0);
		assay_big_muladd(&mp, 10, 0);
		assay_big_muladd(&mm, 10, 0);
		int d = 0;
		while (assay_big_cmp(&r, &s) >= 0) { assay_big_sub(&r, &s); d++; }
		int c = assay_big_cmp(&r, &mm);
		int low = even ? c <= 0 : c < 0;
		assay_big_add(&t, &r, &mp);
		c = assay_big_cmp(&t, &s);
		int high = even ? c >= 0 : c > 0;
		if (!low && !high && n < 17) { digits[n++] = (char)('0' + d); continue; }
		if (low && high) {
			assay_big_copy(&t, &r); assay_big_shl(&t, 1);
			c = assay_big_cmp(&t, &s);
			if (c > 0 || (c == 0 && (d & 1))) d++;
		} else if (high) d++;
		digits[n++] = (char)('0' + d);
		break;
	}
	digits[n] = 0;
	return n;
}

/* Writes v as RFC 8785 (ECMAScript Number::toString) into buf, which needs
 * ASSAY_F64_BUF bytes; returns the length (NUL-terminated). NaN and
 * infinities are not JSON: they are written as null, like sdk/jcs. */
#define ASSAY_F64_BUF 32
static inline int32_t assay_fmt_f64(char *buf, double v) {
	int32_t i = 0;
	uint64_t bits = assay_f64_bits(v);
	if (((bits >> 52) & 0x7ff) == 0x7ff) { buf[0] = 'n'; buf[1] = 'u'; buf[2] = 'l'; buf[3] = 'l'; buf[4] = 0; return 4; }
	if (v == 0) { buf[0] = '0'; buf[1] = 0; return 1; }
	if (v < 0) { buf[i++] = '-'; v = -v; }
	char d[18];
	int32_t n, k = assay_f64_digits(v, d, &n);
	if (k <= n && n <= 21) {
		for (int32_t j = 0; j < k; j++) buf[i++] = d[j];
		for (int32_t j = k; j < n; j++) buf[i++] = '0';
	} else if (0 < n && n <= 21) {
		for (int32_t j = 0; j < n; j++) buf[i++] = d[j];
		buf[i++] = '.';
		for (int32_t j = n; j < k; j++) buf[i++] = d[j];
	} else if (-6 < n && n <= 0) {
		buf[i++] = '0'; buf[i++] = '.';
		for (int32_t j = 0; j < -n; j++) buf[i++] = '0';
		for (int32_t j = 0; j < k; j++) buf[i++] = d[j];
	} else {
		buf[i++] = d[0];
		if (k > 1) { buf[i++] = '.'; for (int32_t j = 1; j < k; j++) buf[i++] = d[j]; }
		buf[i++] = 'e';
		int32_t x = n - 1;
		if (x >= 0) buf[i++] = '+'; else { buf[i++] = '-'; x = -x; }
		char tmp[4]; int32_t m = 0;
		do { tmp[m++] = (char)('0' + x % 10); x /= 10; } while (x);
		while (m) buf[i++] = tmp[--m];
	}
	buf[i] = 0;
	return i;
}

/* Writes v to the output as an RFC 8785 number. */
static inline void assay_output_f64(double v) {
	char buf[ASSAY_F64_BUF];
	assay_output_write(buf, assay_fmt_f64(buf, v));
}

/* Writes the n bytes of s (valid UTF-8, as assay_json_str produces) to the
 * output as an RFC 8785 string: quotes, \" \\ \b \f \n \r \t, other
 * control characters as \u00XX, everything else as is. */
static inline void assay_output_json_str(const char *s, int32_t n) {
	static const char hex[] = "0123456789abcdef";
	char buf[64];
	int32_t m = 0;
	buf[m++] = '"';
	for (int32_t i = 0; i < n; i++) {
		if (m > 56) { assay_output_write(buf, m); m = 0; }
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': case '\\': buf[m++] = '\\'; buf[m++] = (char)c; break;
		case '\b': buf[m++] = '\\'; buf[m++] = 'b'; break;
		case '\f': buf[m++] = '\\'; buf[m++] = 'f'; break;
		case '\n': buf[m++] = '\\'; buf[m++] = 'n'; break;
		case '\r': buf[m++] = '\\'; buf[m++] = 'r'; break;
		case '\t': buf[m++] = '\\'; buf[m++] = 't'; break;
		default:
			if (c < 0x20) {
				buf[m++] = '\\'; buf[m++] = 'u'; buf[m++] = '0'; buf[m++] = '0';
				buf[m++] = hex[c >> 4]; buf[m++] = hex[c & 15];
			} else buf[m++] = (char)c;
		}
	}
	buf[m++] = '"';
	assay_output_write(buf, m);
}

/* ==== A bounded pull reader for JSON (RFC 8259) ==== */

/* Token kinds of assay_json_next. */
typedef enum {
	ASSAY_JSON_ERROR = 0,    /* p->err and p->err_off say what and where */
	ASSAY_JSON_EOF,          /* the one top-level value ended; nothing but space followed */
	ASSAY_JSON_NULL,
	ASSAY_JSON_FALSE,
	ASSAY_JSON_TRUE,
	ASSAY_JSON_NUMBER,       /* raw text in [off, off+len); see assay_json_f64/_i64 */
	ASSAY_JSON_STRING,       /* raw text without quotes; name = 1 for a member name */
	ASSAY_JSON_ARRAY,        /* '[' */
	ASSAY_JSON_ARRAY_END,    /* ']' */
	ASSAY_JSON_OBJECT,       /* '{'; then NAME value pairs */
	ASSAY_JSON_OBJECT_END    /* '}' */
} assay_json_kind;

/* One token: its kind and where its text lies in the input. */
typedef struct {
	assay_json_kind kind;
	int32_t off, len;   /* strings: between the quotes, escapes not decoded */
	int32_t name;       /* 1: this string is an object member's name */
	int32_t escaped;    /* 1: the string has a backslash escape */
} assay_json_tok;

/* Deepest nesting the reader can track (its stack is a fixed array). */
#define ASSAY_JSON_STACK 64

/* The reader's state: the input is borrowed, nothing is allocated. It
 * checks the whole grammar, UTF-8 in strings and escapes (\uD800 alone is
 * an error), and stops at the first error. It does not reject duplicate
 * member names: a validator that cares compares the names it reads. */
typedef struct {
	const uint8_t *data;
	int32_t len, pos;
	int32_t depth, max_depth;
	uint8_t stack[ASSAY_JSON_STACK]; /* '[' or '{' per open level */
	int32_t state;
	const char *err;                 /* static text; NULL until an error */
	int32_t err_off;
} assay_json;

enum { ASSAY__J_VALUE, ASSAY__J_ARRAY_FIRST, ASSAY__J_OBJECT_FIRST, ASSAY__J_NAME, ASSAY__J_AFTER, ASSAY__J_DONE };

/* Starts reading data[0:len] with at most max_depth levels of nesting
 * (1..ASSAY_JSON_STACK; other values mean ASSAY_JSON_STACK). */
static inline void assay_json_init(assay_json *p, const void *data, int32_t len, int32_t max_depth) {
	p->data = (const uint8_t *)data; p->len = len; p->pos = 0; p->depth = 0;
	p->max_depth = (max_depth <= 0 || max_depth > ASSAY_JSON_STACK) ? ASSAY_JSON_STACK : max_depth;
	p->state = ASSAY__J_VALUE; p->err = 0; p->err_off = 0;
}

static inline assay_json_kind assay__json_fail(assay_json *p, assay_json_tok *t, int32_t off, const char *msg) {
	p->err = msg; p->err_off = off; p->state = ASSAY__J_DONE; p->pos = p->len + 1;
	t->kind = ASSAY_JSON_ERROR; t->off = off; t->len = 0;
	return ASSAY_JSON_ERROR;
}

static inline void assay__json_space(assay_json *p) {
	while (p->pos < p->len) {
		uint8_t c = p->data[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
		p->pos++;
	}
}

static inline int assay__json_hex(uint8_t c) {
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Reads \uXXXX at i (pointing at the backslash); -1 if malformed. */
static inline int32_t assay__json_u4(const uint8_t *d, int32_t n, int32_t i) {
	if (i + 6 > n || d[i] != '\\' || d[i + 1] != 'u') return -1;
	int32_t v = 0;
	for (int32_t j = 2; j < 6; j++) {
		int h = assay__json_hex(d[i + j]);
		if (h < 0) return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Length of the UTF-8 sequence at d[i] (1..4), or 0 if invalid. */
static inline int32_t assay__json_utf8(const uint8_t *d, int32_t n, int32_t i) {
	uint8_t c = d[i];
	int32_t k; uint32_t min, cp;
	if (c < 0x80) return 1;
	if (c >= 0xc2 && c <= 0xdf) { k = 2; cp = c & 0x1f; min = 0x80; }
	else if (c >= 0xe0 && c <= 0xef) { k = 3; cp = c & 0x0f; min = 0x800; }
	else if (c >= 0xf0 && c <= 0xf4) { k = 4; cp = c & 0x07; min = 0x10000; }
	else return 0;
	if (i + k > n) return 0;
	for (int32_t j = 1; j < k; j++) {
		if ((d[i + j] & 0xc0) != 0x80) return 0;
		cp = (cp << 6) | (d[i + j] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
	return k;
}

static inline assay_json_kind assay__json_string(assay_json *p, assay_json_tok *t) {
	int32_t i = ++p->pos; /* after the quote */
	t->kind = ASSAY_JSON_STRING; t->off = i; t->escaped = 0;
	while (i < p->len) {
		uint8_t c = p->data[i];
		if (c == '"') { t->len = i - t->off; p->pos = i + 1; return ASSAY_JSON_STRING; }
		if (c < 0x20) return assay__json_fail(p, t, i, "control character in string");
		if (c == '\\') {
			t->escaped = 1;
			if (i + 1 >= p->len) return assay__json_fail(p, t, i, "unterminated escape");
			uint8_t e = p->data[i + 1];
			if (e == 'u') {
				int32_t u = assay__json_u4(p->data, p->len, i);
				if (u < 0) return assay__json_fail(p, t, i, "invalid \\u escape");
				if (u >= 0xd800 && u <= 0xdfff) {
					int32_t lo = u < 0xdc00 ? assay__json_u4(p->data, p->len, i + 6) : -1;
					if (lo < 0xdc00 || lo > 0xdfff) return assay__json_fail(p, t, i, "lone surrogate");
					i += 6;
				}
				i += 6;
				continue;
			}
			if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't')
				return assay__json_fail(p, t, i, "invalid escape");
			i += 2;
			continue;
		}
		int32_t k = assay__json_utf8(p->data, p->len, i);
		if (!k) return assay__json_fail(p, t, i, "invalid UTF-8");
		i += k;
	}
	return assay__json_fail(p, t, i, "unterminated string");
}

static inline int32_t assay__json_digits(assay_json *p) {
	int32_t n = 0;
	while (p->pos < p->len && p->data[p->pos] >= '0' && p->data[p->pos] <= '9') { p->pos++; n++; }
	return n;
}

static inline assay_json_kind assay__json_number(assay_json *p, assay_json_tok *t) {
	int32_t start = p->pos;
	if (p->data[p->pos] == '-') p->pos++;
	if (p->pos < p->len && p->data[p->pos] == '0') p->pos++;
	else if (assay__json_digits(p) == 0) return assay__json_fail(p, t, p->pos, "invalid number");
	if (p->pos < p->len && p->data[p->pos] == '.') {
		p->pos++;
		if (assay__json_digits(p) == 0) return assay__json_fail(p, t, p->pos, "invalid number: no digits after '.'");
	}
	if (p->pos < p->len && (p->data[p->pos] == 'e' || p->data[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->data[p->pos] == '+' || p->data[p->pos] == '-')) p->pos++;
		if (assay__json_digits(p) == 0) return assay__json_fail(p, t, p->pos, "invalid number: no digits in exponent");
	}
	t->kind = ASSAY_JSON_NUMBER; t->off = start; t->len = p->pos - start;
	return ASSAY_JSON_NUMBER;
}

static inline int assay__json_lit(assay_json *p, const char *lit, int32_t n) {
	if (p->len - p->pos < n) return 0;
	for (int32_t i = 0; i < n; i++) if (p->data[p->pos + i] != (uint8_t)lit[i]) return 0;
	p->pos += n;
	return 1;
}

/* assay_json_next reads the next token into *t and returns its kind. After
 * the top-level value it returns ASSAY_JSON_EOF (or an error for trailing
 * bytes); after an error it keeps returning ASSAY_JSON_ERROR. Every call
 * does bounded work: one token plus the space before it. */
static inline assay_json_kind assay_json_next(assay_json *p, assay_json_tok *t) {
	t->name = 0; t->escaped = 0; t->len = 0;
	if (p->err) { t->kind = ASSAY_JSON_ERROR; t->off = p->err_off; return ASSAY_JSON_ERROR; }
	assay__json_space(p);
	t->off = p->pos;
	int32_t st = p->state;
	if (st == ASSAY__J_DONE) {
		if (p->pos < p->len) return assay__json_fail(p, t, p->pos, "trailing data after the JSON value");
		t->kind = ASSAY_JSON_EOF;
		return ASSAY_JSON_EOF;
	}
	if (p->pos >= p->len) return assay__json_fail(p, t, p->pos, "unexpected end of input");
	uint8_t c = p->data[p->pos];
	if (st == ASSAY__J_AFTER) {
		uint8_t top = p->stack[p->depth - 1];
		uint8_t close = top == '[' ? ']' : '}';
		if (c == ',') {
			p->pos++;
			assay__json_space(p);
			st = top == '{' ? ASSAY__J_NAME : ASSAY__J_VALUE;
			if (p->pos >= p->len) return assay__json_fail(p, t, p->pos, "unexpected end of input");
			c = p->data[p->pos];
			t->off = p->pos;
		} else if (c == close) {
			goto close;
		} else return assay__json_fail(p, t, p->pos, top == '[' ? "expected ',' or ']'" : "expected ',' or '}'");
	}
	if (st == ASSAY__J_ARRAY_FIRST && c == ']') goto close;
	if (st == ASSAY__J_OBJECT_FIRST && c == '}') goto close;
	if (st == ASSAY__J_OBJECT_FIRST || st == ASSAY__J_NAME) {
		if (c != '"') return assay__json_fail(p, t, p->pos, "expected a member name");
		if (assay__json_string(p, t) == ASSAY_JSON_ERROR) return ASSAY_JSON_ERROR;
		t->name = 1;
		assay__json_space(p);
		if (p->pos >= p->len || p->data[p->pos] != ':') return assay__json_fail(p, t, p->pos, "expected ':' after member name");
		p->pos++;
		p->state = ASSAY__J_VALUE;
		return ASSAY_JSON_STRING;
	}
	/* a value */
	if (c == '[' || c == '{') {
		if (p->depth >= p->max_depth) return assay__json_fail(p, t, p->pos, "nesting too deep");
		p->stack[p->depth++] = c;
		p->pos++;
		p->state = c == '[' ? ASSAY__J_ARRAY_FIRST : ASSAY__J_OBJECT_FIRST;
		t->kind = c == '[' ? ASSAY_JSON_ARRAY : ASSAY_JSON_OBJECT; t->len = 1;
		return t->kind;
	}
	p->state = p->depth ? ASSAY__J_AFTER : ASSAY__J_DONE;
	if (c == '"') return assay__json_string(p, t);
	if (c == '-' || (c >= '0' && c <= '9')) return assay__json_number(p, t);
	if (assay__json_lit(p, "true", 4)) { t->kind = ASSAY_JSON_TRUE; t->len = 4; return t->kind; }
	if (assay__json_lit(p, "false", 5)) { t->kind = ASSAY_JSON_FALSE; t->len = 5; return t->kind; }
	if (assay__json_lit(p, "null", 4)) { t->kind = ASSAY_JSON_NULL; t->len = 4; return t->kind; }
	return assay__json_fail(p, t, p->pos, "unexpected character");
close:
	p->depth--;
	p->pos++;
	p->state = p->depth ? ASSAY__J_AFTER : ASSAY__J_DONE;
	t->kind = c == ']' ? ASSAY_JSON_ARRAY_END : ASSAY_JSON_OBJECT_END; t->len = 1;
	return t->kind;
}

/* Skips the value whose first token is t (a scalar: nothing to do; '[' or
 * '{': up to its end). Returns 0, or -1 on an error. */
static inline int assay_json_skip(assay_json *p, const assay_json_tok *t) {
	if (t->kind != ASSAY_JSON_ARRAY && t->kind != ASSAY_JSON_OBJECT) return t->kind == ASSAY_JSON_ERROR ? -1 : 0;
	int32_t d = p->depth - 1;
	assay_json_tok u;
	while (p->depth > d) if (assay_json_next(p, &u) == ASSAY_JSON_ERROR) return -1;
	return 0;
}

/* Decodes string token t into dst (cap bytes, not NUL-terminated): UTF-8
 * with escapes resolved. Returns the length, or -1 if it does not fit. */
static inline int32_t assay_json_str(const assay_json *p, const assay_json_tok *t, char *dst, int32_t cap) {
	const uint8_t *d = p->data;
	int32_t n = 0, end = t->off + t->len;
	for (int32_t i = t->off; i < end;) {
		uint8_t c = d[i];
		if (c != '\\') { if (n >= cap) return -1; dst[n++] = (char)c; i++; continue; }
		uint8_t e = d[i + 1];
		uint32_t cp;
		switch (e) {
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u': cp = 0; break;
		default: cp = e;
		}
		if (e != 'u') { if (n >= cap) return -1; dst[n++] = (char)cp; i += 2; continue; }
		cp = (uint32_t)assay__json_u4(d, end, i);
		i += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)assay__json_u4(d, end, i) - 0xdc00);
			i += 6;
		}
		int32_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n + k > cap) return -1;
		if (k == 1) dst[n++] = (char)cp;
		else if (k == 2) { dst[n++] = (char)(0xc0 | (cp >> 6)); dst[n++] = (char)(0x80 | (cp & 0x3f)); }
		else if (k == 3) { dst[n++] = (char)(0xe0 | (cp >> 12)); dst[n++] = (char)(0x80 | ((cp >> 6) & 0x3f)); dst[n++] = (char)(0x80 | (cp & 0x3f)); }
		else { dst[n++] = (char)(0xf0 | (cp >> 18)); dst[n++] = (char)(0x80 | ((cp >> 12) & 0x3f)); dst[n++] = (char)(0x80 | ((cp >> 6) & 0x3f)); dst[n++] = (char)(0x80 | (cp & 0x3f)); }
	}
	return n;
}

/* Reports whether string token t decodes to the NUL-terminated s. */
static inline int assay_json_str_eq(const assay_json *p, const assay_json_tok *t, const char *s) {
	int32_t n = assay_strlen(s);
	if (!t->escaped) {
		if (t->len != n) return 0;
		for (int32_t i = 0; i < n; i++) if (p->data[t->off + i] != (uint8_t)s[i]) return 0;
		return 1;
	}
	char buf[256];
	if (n > 256 || assay_json_str(p, t, buf, 256) != n) return 0;
	for (int32_t i = 0; i < n; i++) if (buf[i] != s[i]) return 0;
	return 1;
}

/* Reads number token t as an integer: 0 on success, -1 if it has a
 * fraction or exponent or does not fit in int64. */
static inline int assay_json_i64(const assay_json *p, const assay_json_tok *t, int64_t *out) {
	const uint8_t *d = p->data + t->off;
	int32_t i = 0, neg = 0;
	uint64_t v = 0;
	if (t->len > 0 && d[0] == '-') { neg = 1; i = 1; }
	if (i >= t->len) return -1;
	for (; i < t->len; i++) {
		if (d[i] < '0' || d[i] > '9') return -1;
		if (v > (UINT64_MAX - 9) / 10) return -1;
		v = v * 10 + (d[i] - '0');
	}
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX) return -1;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* Significant decimal digits assay_json_f64 keeps exactly; any nonzero
 * digit past them only sets a sticky digit, which is enough to round
 * correctly (a double's exact decimal expansion needs at most 767). */
#define ASSAY_F64_MAX_DIGITS 780

/* Reads number token t (or any JSON number text) as the nearest double,
 * ties to even, like Go's strconv.ParseFloat: exact for every input.
 * Returns 0, or -1 when the magnitude rounds to infinity (sdk/jcs
 * rejects those: "number out of range"). Tiny values become ±0. */
static inline int assay_json_f64(const assay_json *p, const assay_json_tok *t, double *out) {
	const uint8_t *d = p->data + t->off;
	int32_t n = t->len, i = 0, neg = 0, nd = 0, dexp = 0, sticky = 0, seen_point = 0;
	if (i < n && d[i] == '-') { neg = 1; i++; }
	assay_big D; assay_big_set(&D, 0);
	uint64_t small = 0; /* the first 19 digits, for the fast path */
	uint32_t chunk = 0; int32_t chunk_n = 0;
	for (; i < n; i++) {
		uint8_t c = d[i];
		if (c == '.') { seen_point = 1; continue; }
		if (c == 'e' || c == 'E') break;
		if (nd == 0 && c == '0') { if (seen_point) dexp--; continue; }
		if (nd < ASSAY_F64_MAX_DIGITS) {
			if (nd < 19) small = small * 10 + (c - '0');
			chunk = chunk * 10 + (c - '0');
			if (++chunk_n == 9) { assay_big_muladd(&D, 1000000000u, chunk); chunk = 0; chunk_n = 0; }
			nd++;
			if (seen_point) dexp--;
		} else {
			if (c != '0') sticky = 1;
			if (!seen_point) dexp++;
		}
	}
	if (i < n) { /* exponent */
		i++;
		int32_t eneg = 0, ev = 0;
		if (i < n && (d[i] == '+' || d[i] == '-')) { eneg = d[i] == '-'; i++; }
		for (; i < n; i++) if (ev < 100000) ev = ev * 10 + (d[i] - '0');
		dexp += eneg ? -ev : ev;
	}
	if (nd == 0) { *out = neg ? -0.0 : 0.0; return 0; }
	if (sticky) { /* one more digit, nonzero: the value lies strictly between */
		if (chunk_n) { chunk = chunk * 10 + 1; chunk_n++; } else { chunk = 1; chunk_n = 1; }
		nd++; dexp--;
	}
	{
		static const uint32_t p10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
		if (chunk_n) assay_big_muladd(&D, chunk_n == 9 ? 1000000000u : p10[chunk_n], chunk);
		if (D.n == 0 && chunk) assay_big_set(&D, chunk);
	}
	/* value = D × 10^dexp, nd significant digits */
	if (nd + dexp > 310) return -1;
	if (nd + dexp < -330) { *out = neg ? -0.0 : 0.0; return 0; }
	if (nd <= 15 && dexp >= -22 && dexp <= 22 && !sticky) {
		static const double e10[23] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
			1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
		double v = (double)small;
		v = dexp < 0 ? v / e10[-dexp] : v * e10[dexp];
		*out = neg ? -v : v;
		return 0;
	}
	assay_big N, M, T;
	assay_big_copy(&N, &D);
	assay_big_set(&M, 1);
	if (dexp >= 0) assay_big_mulpow10(&N, dexp); else assay_big_mulpow10(&M, -dexp);
	/* q = floor(N·2^s / M) with 2^52 <= q < 2^53 (or s = 1074 for subnormals) */
	int32_t s = 52 - (assay_big_bitlen(&N) - assay_big_bitlen(&M));
	uint64_t q = 0;
	int cmp_half = 0;
	for (int pass = 0; pass < 3; pass++) {
		if (52 - s < -1022) s = 1074;
		assay_big_copy(&T, &N);
		assay_big M2; assay_big_copy(&M2, &M);
		if (s >= 0) assay_big_shl(&T, s); else assay_big_shl(&M2, -s);
		/* long division, 54 quotient bits at most */
		assay_big sh; assay_big_copy(&sh, &M2); assay_big_shl(&sh, 53);
		q = 0;
		for (int b = 53; b >= 0; b--) {
			if (assay_big_cmp(&T, &sh) >= 0) { assay_big_sub(&T, &sh); q |= 1ull << b; }
			if (b) assay_big_shr1(&sh);
		}
		if (s != 1074 && q >= (1ull << 53)) { s--; continue; }
		if (s != 1074 && q < (1ull << 52)) { s++; continue; }
		assay_big_shl(&T, 1); /* 2·remainder vs M2 */
		cmp_half = assay_big_cmp(&T, &M2);
		break;
	}
	if (cmp_half > 0 || (cmp_half == 0 && (q & 1))) q++;
	if (q == (1ull << 53)) { q >>= 1; s--; }
	int32_t e2 = 52 - s; /* exponent of q's top bit when normal */
	uint64_t bits;
	if (q >= (1ull << 52)) {
		if (e2 > 1023) return -1;
		bits = ((uint64_t)(e2 + 1023) << 52) | (q & ((1ull << 52) - 1));
	} else bits = q; /* subnormal (s == 1074) */
	if (neg) bits |= 1ull << 63;
	*out = assay_bits_f64(bits);
	return 0;
}

#endif /* ASSAY_H */
