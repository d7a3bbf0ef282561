/*
 * validators/ohlcv in C: the same params, checks, rejection reasons and
 * RFC 8785 output as the Go reference validator program (its package
 * comment describes them), written with the header-only C SDK (sdk/c):
 * the pull reader checks the JSON, assay_json_f64 reads numbers exactly
 * and assay_fmt_f64 writes them as RFC 8785 does.
 *
 * To give the Go program's reasons byte for byte, the input is read as
 * sdk/jcs reads it (same limits, same error texts and offsets, duplicate
 * member names rejected) and decimals as sdk/dec does. Params are read as
 * encoding/json reads them into the Go struct; its syntax-error texts are
 * not copied (a bad params text is rejected with the reader's own words),
 * and names match case-insensitively in ASCII only.
 *
 * Build: make (clang --target=wasm32 + wasm-ld, no libc).
 */
#include "assay.h"

/* ---- memory: a bump allocator over memory.grow (a job is short) ---- */

extern unsigned char __heap_base;
static uintptr_t heap_top, heap_end;

static void *xalloc(uint32_t n) {
	if (!heap_top) {
		heap_top = (uintptr_t)&__heap_base;
		heap_end = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;
	}
	heap_top = (heap_top + 7) & ~(uintptr_t)7;
	if (n > heap_end - heap_top) {
		uintptr_t pages = (heap_top + n - heap_end + 65535) / 65536;
		if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) __builtin_trap();
		heap_end += pages * 65536;
	}
	void *p = (void *)heap_top;
	heap_top += n;
	return p;
}

/* memory.copy (-mbulk-memory): 10 + n/8 gas instead of a loop per byte. */
static void copy(void *dst, const void *src, int32_t n) {
	if (n > 0) __builtin_memcpy(dst, src, (size_t)n);
}

static int bytes_eq(const void *a, int32_t an, const void *b, int32_t bn) {
	if (an != bn) return 0;
	for (int32_t i = 0; i < an; i++)
		if (((const uint8_t *)a)[i] != ((const uint8_t *)b)[i]) return 0;
	return 1;
}

static int str_eq(const char *a, const char *b) { return bytes_eq(a, assay_strlen(a), b, assay_strlen(b)); }

/* ---- the reason being built (a rejection ends the run) ---- */

typedef struct { char *b; int32_t n, cap; } sbuf;
static sbuf R;

static void sb_bytes(sbuf *s, const void *p, int32_t n) {
	if (s->n + n > s->cap) {
		int32_t cap = (s->n + n) * 2 + 64;
		char *b = xalloc((uint32_t)cap);
		copy(b, s->b, s->n);
		s->b = b;
		s->cap = cap;
	}
	copy(s->b + s->n, p, n);
	s->n += n;
}
static void sb_str(sbuf *s, const char *z) { sb_bytes(s, z, assay_strlen(z)); }
static void sb_byte(sbuf *s, char c) {
	if (s->n < s->cap) s->b[s->n++] = c;
	else sb_bytes(s, &c, 1);
}

/* %d of an int64 */
static void sb_i64(sbuf *s, int64_t v) {
	char buf[21];
	uint64_t u = (uint64_t)v;
	if (v < 0) { sb_byte(s, '-'); u = 0 - u; }
	sb_bytes(s, buf, assay_fmt_u64(buf, u));
}

static const char HEX[] = "0123456789abcdef";

#include "isprint.h"

/* Go's strconv.IsPrint for a rune >= 0x80: binary search in the ranges
 * generated from Go's unicode tables (src/isprint.h). */
static int go_isprint(uint32_t r) {
	int32_t lo = 0, hi = (int32_t)(sizeof go_print_ranges / sizeof go_print_ranges[0]) / 2;
	while (lo < hi) {
		int32_t mid = (lo + hi) / 2;
		if (r > go_print_ranges[2 * mid + 1]) lo = mid + 1;
		else hi = mid;
	}
	return lo < (int32_t)(sizeof go_print_ranges / sizeof go_print_ranges[0]) / 2 && r >= go_print_ranges[2 * lo];
}

/* One rune as strconv.Quote/QuoteRune escape it (quote is ' or "). */
static void sb_rune(sbuf *s, uint32_t r, char quote) {
	if (r == (uint32_t)quote || r == '\\') { sb_byte(s, '\\'); sb_byte(s, (char)r); return; }
	if (r >= 0x20 && r < 0x7f) { sb_byte(s, (char)r); return; }
	if (r >= 0x80 && go_isprint(r)) {
		char u[4];
		int32_t k;
		if (r < 0x800) { u[0] = (char)(0xc0 | (r >> 6)); u[1] = (char)(0x80 | (r & 0x3f)); k = 2; }
		else if (r < 0x10000) { u[0] = (char)(0xe0 | (r >> 12)); u[1] = (char)(0x80 | ((r >> 6) & 0x3f)); u[2] = (char)(0x80 | (r & 0x3f)); k = 3; }
		else { u[0] = (char)(0xf0 | (r >> 18)); u[1] = (char)(0x80 | ((r >> 12) & 0x3f)); u[2] = (char)(0x80 | ((r >> 6) & 0x3f)); u[3] = (char)(0x80 | (r & 0x3f)); k = 4; }
		sb_bytes(s, u, k);
		return;
	}
	sb_byte(s, '\\');
	switch (r) {
	case 7: sb_byte(s, 'a'); return;
	case 8: sb_byte(s, 'b'); return;
	case 12: sb_byte(s, 'f'); return;
	case 10: sb_byte(s, 'n'); return;
	case 13: sb_byte(s, 'r'); return;
	case 9: sb_byte(s, 't'); return;
	case 11: sb_byte(s, 'v'); return;
	}
	if (r < 0x80) { sb_byte(s, 'x'); sb_byte(s, HEX[r >> 4]); sb_byte(s, HEX[r & 15]); return; }
	int32_t digits = r < 0x10000 ? 4 : 8;
	sb_byte(s, r < 0x10000 ? 'u' : 'U');
	for (int32_t i = digits - 1; i >= 0; i--) sb_byte(s, HEX[(r >> (4 * i)) & 15]);
}

/* Length of the valid UTF-8 sequence at p[0:n] and its rune; 0 if invalid. */
static int32_t utf8_at(const uint8_t *p, int32_t n, uint32_t *r) {
	if (p[0] < 0x80) { *r = p[0]; return 1; }
	int32_t k = assay__json_utf8(p, n, 0);
	if (!k) return 0;
	uint32_t cp = p[0] & (k == 2 ? 0x1f : k == 3 ? 0x0f : 0x07);
	for (int32_t j = 1; j < k; j++) cp = (cp << 6) | (p[j] & 0x3f);
	*r = cp;
	return k;
}

/* %q of a string (strconv.Quote): invalid UTF-8 bytes as \xNN. */
static void sb_quote(sbuf *s, const void *data, int32_t n) {
	const uint8_t *p = data;
	sb_byte(s, '"');
	for (int32_t i = 0; i < n;) {
		uint32_t r;
		int32_t k = utf8_at(p + i, n - i, &r);
		if (!k) { sb_str(s, "\\x"); sb_byte(s, HEX[p[i] >> 4]); sb_byte(s, HEX[p[i] & 15]); i++; continue; }
		sb_rune(s, r, '"');
		i += k;
	}
	sb_byte(s, '"');
}

/* %q of a byte (Go formats it as the rune of that value). */
static void sb_quote_byte(sbuf *s, uint8_t c) {
	sb_byte(s, '\'');
	sb_rune(s, c, '\'');
	sb_byte(s, '\'');
}

__attribute__((noreturn)) static void reject_reason(void) {
	assay_reject(R.b, R.n);
	__builtin_unreachable();
}

__attribute__((noreturn)) static void reject_str(const char *z) {
	R.n = 0;
	sb_str(&R, z);
	reject_reason();
}

/* ---- decimals, as sdk/dec ---- */

#define DEC_MAX_DIGITS 60
#define DEC_MAX_EXP 100

/* sign × digits × 10^exp; n == 0 is zero. */
typedef struct { int neg; int32_t n, exp; char d[DEC_MAX_DIGITS]; } decimal;

enum { DEC_OK, DEC_SYNTAX, DEC_RANGE };

/* strconv.Atoi of s[0:n]: DEC_SYNTAX or DEC_RANGE as its error is. */
static int go_atoi(const char *s, int32_t n, int64_t *out) {
	int neg = 0;
	if (n == 0) return DEC_SYNTAX;
	if (s[0] == '+' || s[0] == '-') { neg = s[0] == '-'; s++; n--; }
	if (n == 0) return DEC_SYNTAX;
	uint64_t u = 0;
	for (int32_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') return DEC_SYNTAX;
		if (u >= UINT64_MAX / 10 + 1) return DEC_RANGE;
		u *= 10;
		uint64_t u1 = u + (uint64_t)(s[i] - '0');
		if (u1 < u) return DEC_RANGE;
		u = u1;
	}
	if (!neg && u >= (1ull << 63)) return DEC_RANGE;
	if (neg && u > (1ull << 63)) return DEC_RANGE;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return DEC_OK;
}

static int all_digits(const char *s, int32_t a, int32_t b) {
	for (int32_t i = a; i < b; i++) if (s[i] < '0' || s[i] > '9') return 0;
	return 1;
}

/* dec.Parse of s[0:n]. */
static int dec_parse(const char *s, int32_t n, decimal *d) {
	int32_t m = n;
	int64_t e = 0;
	for (int32_t i = 0; i < n; i++) {
		if (s[i] == 'e' || s[i] == 'E') {
			int r = go_atoi(s + i + 1, n - i - 1, &e);
			if (r != DEC_OK) return r;
			if (e > 10 * DEC_MAX_EXP || e < -10 * DEC_MAX_EXP) return DEC_RANGE;
			m = i;
			break;
		}
	}
	int32_t i = 0;
	d->neg = 0;
	d->n = 0;
	d->exp = 0;
	if (m > 0 && (s[0] == '-' || s[0] == '+')) { d->neg = s[0] == '-'; i = 1; }
	int32_t dot = -1;
	for (int32_t j = i; j < m; j++) if (s[j] == '.') { dot = j; break; }
	int32_t ib = i, ie = dot < 0 ? m : dot, fb = dot < 0 ? m : dot + 1, fe = m;
	if ((ie == ib && fe == fb) || !all_digits(s, ib, ie) || !all_digits(s, fb, fe)) return DEC_SYNTAX;
	/* the significant digits: the integer part without leading zeros, then
	 * the fraction (without leading zeros too if the integer part is 0) */
	while (ib < ie && s[ib] == '0') ib++;
	if (ib == ie) while (fb < fe && s[fb] == '0') fb++;
	int64_t total = (int64_t)(ie - ib) + (fe - fb), trailing = 0;
	for (int64_t k = total - 1; k >= 0; k--) {
		char c = k < ie - ib ? s[ib + k] : s[fb + (k - (ie - ib))];
		if (c != '0') break;
		trailing++;
	}
	int64_t nd = total - trailing;
	int64_t exp = e - (int64_t)(fe - (dot < 0 ? m : dot + 1)) + trailing;
	if (nd == 0) { d->neg = 0; return DEC_OK; }
	if (nd > DEC_MAX_DIGITS || exp > DEC_MAX_EXP || exp < -DEC_MAX_EXP) return DEC_RANGE;
	for (int64_t k = 0; k < nd; k++) d->d[k] = k < ie - ib ? s[ib + k] : s[fb + (k - (ie - ib))];
	d->n = (int32_t)nd;
	d->exp = (int32_t)exp;
	return DEC_OK;
}

/* "dec: invalid decimal: %q" of clip(s) */
static void sb_dec_err(sbuf *s, int r, const char *text, int32_t n) {
	sb_str(s, r == DEC_RANGE ? "dec: decimal out of range: " : "dec: invalid decimal: ");
	if (n > 40) {
		sbuf t = {0, 0, 0};
		sb_bytes(&t, text, 40);
		sb_str(&t, "...");
		sb_quote(s, t.b, t.n);
	} else sb_quote(s, text, n);
}

/* dec.FromFloat: the shortest digits that read back as f; on a range
 * error *text holds strconv.FormatFloat(f, 'e', -1, 64) for the reason. */
static int dec_from_f64(double f, decimal *d, char text[40], int32_t *tn) {
	d->neg = 0; d->n = 0; d->exp = 0;
	if (f == 0) return DEC_OK;
	int neg = f < 0;
	char dg[18];
	int32_t point, k = assay_f64_digits(neg ? -f : f, dg, &point);
	int32_t keep = k;
	while (keep > 1 && dg[keep - 1] == '0') keep--;
	int32_t exp = point - keep;
	if (exp > DEC_MAX_EXP || exp < -DEC_MAX_EXP) {
		int32_t n = 0, x = point - 1;
		if (neg) text[n++] = '-';
		text[n++] = dg[0];
		if (k > 1) { text[n++] = '.'; for (int32_t j = 1; j < k; j++) text[n++] = dg[j]; }
		text[n++] = 'e';
		text[n++] = x < 0 ? '-' : '+';
		if (x < 0) x = -x;
		if (x >= 100) text[n++] = (char)('0' + x / 100);
		text[n++] = (char)('0' + x / 10 % 10);
		text[n++] = (char)('0' + x % 10);
		*tn = n;
		return DEC_RANGE;
	}
	d->neg = neg;
	d->n = keep;
	d->exp = exp;
	copy(d->d, dg, keep);
	return DEC_OK;
}

static int dec_sign(const decimal *d) { return d->n == 0 ? 0 : d->neg ? -1 : 1; }

static int cmp_i(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

static int dec_cmp(const decimal *a, const decimal *b) {
	int as = dec_sign(a), bs = dec_sign(b);
	if (as != bs) return cmp_i(as, bs);
	int c = cmp_i(a->n + a->exp, b->n + b->exp);
	if (c == 0) {
		int32_t n = a->n > b->n ? a->n : b->n;
		for (int32_t i = 0; i < n && c == 0; i++)
			c = cmp_i(i < a->n ? a->d[i] : '0', i < b->n ? b->d[i] : '0');
	}
	return a->neg ? -c : c;
}

/* Decimal.String: plain notation, no exponent or trailing zeros. */
static void sb_dec(sbuf *s, const decimal *d) {
	if (d->n == 0) { sb_byte(s, '0'); return; }
	if (d->neg) sb_byte(s, '-');
	int32_t point = d->n + d->exp;
	if (d->exp >= 0) {
		sb_bytes(s, d->d, d->n);
		for (int32_t i = 0; i < d->exp; i++) sb_byte(s, '0');
	} else if (point > 0) {
		sb_bytes(s, d->d, point);
		sb_byte(s, '.');
		sb_bytes(s, d->d + point, d->n - point);
	} else {
		sb_str(s, "0.");
		for (int32_t i = 0; i < -point; i++) sb_byte(s, '0');
		sb_bytes(s, d->d, d->n);
	}
}

/* ---- JSON read as sdk/jcs reads it ---- */

static const char *kind_name(assay_json_kind k) {
	switch (k) {
	case ASSAY_JSON_NULL: return "null";
	case ASSAY_JSON_FALSE: case ASSAY_JSON_TRUE: return "boolean";
	case ASSAY_JSON_NUMBER: return "number";
	case ASSAY_JSON_STRING: return "string";
	case ASSAY_JSON_ARRAY: return "array";
	case ASSAY_JSON_OBJECT: return "object";
	default: return "invalid";
	}
}

static int is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int32_t skip_space(const assay_json *p, int32_t i) {
	while (i < p->len && is_space(p->data[i])) i++;
	return i;
}

/* Where the next assay_json_next call starts a value (-1: it does not):
 * where jcs counts a value against MaxValues. *name gets where it starts
 * an object member's name instead (-1: it does not). */
static int32_t next_value_at(const assay_json *p, int32_t *name, int *expect_name) {
	int32_t i = skip_space(p, p->pos), st = p->state;
	*name = -1;
	*expect_name = 0;
	if (st == ASSAY__J_AFTER) {
		if (i >= p->len || p->data[i] != ',') return -1;
		i = skip_space(p, i + 1);
		st = p->stack[p->depth - 1] == '[' ? ASSAY__J_VALUE : ASSAY__J_NAME;
	}
	if (st == ASSAY__J_NAME || (st == ASSAY__J_OBJECT_FIRST && (i >= p->len || p->data[i] != '}'))) *expect_name = 1;
	if (i >= p->len) return -1;
	if (st == ASSAY__J_OBJECT_FIRST || st == ASSAY__J_NAME) {
		if (p->data[i] == '"') *name = i;
		return -1;
	}
	if (st == ASSAY__J_ARRAY_FIRST) return p->data[i] == ']' ? -1 : i;
	return st == ASSAY__J_VALUE ? i : -1;
}

/* A member name, decoded, for the duplicate check. */
typedef struct { const char *s; int32_t len; } name_ref;

typedef struct {
	assay_json p;
	int64_t values, max_values;
	char *arena;       /* decoded names */
	int32_t arena_n;
	name_ref *names;   /* names of the objects being read, innermost last */
	int32_t nnames;
	int32_t obj_start[ASSAY_JSON_STACK + 1]; /* first name of each open object */
	int32_t obj_id[ASSAY_JSON_STACK + 1];
	int32_t nobj, next_obj;
	uint32_t *table;   /* hash set of (object, name) for objects of 16+ members */
	uint32_t table_mask;
	int32_t top_count; /* values inside the top-level array */
} strict_json;

static uint32_t hash_name(int32_t obj, const char *s, int32_t n) {
	uint32_t h = 2166136261u ^ (uint32_t)obj;
	for (int32_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

/* Records name i of the innermost object; reports whether it was there. */
static int seen_name(strict_json *j, int32_t i) {
	int32_t lvl = j->nobj - 1, first = j->obj_start[lvl], count = i - first;
	name_ref a = j->names[i];
	if (count < 16) {
		for (int32_t k = first; k < i; k++)
			if (bytes_eq(j->names[k].s, j->names[k].len, a.s, a.len)) return 1;
		return 0;
	}
	if (!j->table) {
		uint32_t cap = 64;
		while (cap < 2u * (uint32_t)(j->p.len / 4 + 16)) cap *= 2;
		j->table = xalloc(cap * 4);
		for (uint32_t k = 0; k < cap; k++) j->table[k] = 0;
		j->table_mask = cap - 1;
	}
	int32_t id = j->obj_id[lvl];
	if (count == 16) /* the first 16 names go into the table now */
		for (int32_t k = first; k < i; k++) {
			uint32_t h = hash_name(id, j->names[k].s, j->names[k].len) & j->table_mask;
			while (j->table[h]) h = (h + 1) & j->table_mask;
			j->table[h] = (uint32_t)k + 1;
		}
	uint32_t h = hash_name(id, a.s, a.len) & j->table_mask;
	while (j->table[h]) {
		int32_t k = (int32_t)j->table[h] - 1;
		if (k >= first && k < i && bytes_eq(j->names[k].s, j->names[k].len, a.s, a.len)) return 1;
		h = (h + 1) & j->table_mask;
	}
	j->table[h] = (uint32_t)i + 1;
	return 0;
}

__attribute__((noreturn)) static void json_fail(const char *prefix, int32_t off, const char *msg) {
	R.n = 0;
	sb_str(&R, prefix);
	sb_str(&R, "offset ");
	sb_i64(&R, off);
	sb_str(&R, ": ");
	sb_str(&R, msg);
	reject_reason();
}

/* The reader's error in sdk/jcs's words. */
__attribute__((noreturn)) static void json_error(const char *prefix, const assay_json *p) {
	const char *e = p->err;
	int32_t off = p->err_off;
	const uint8_t *d = p->data;
	R.n = 0;
	sb_str(&R, prefix);
	sb_str(&R, "offset ");
	if (str_eq(e, "lone surrogate")) {
		sb_i64(&R, off + 6);
		sb_str(&R, ": jcs: lone surrogate");
		reject_reason();
	}
	sb_i64(&R, off);
	sb_str(&R, ": ");
	if (str_eq(e, "control character in string")) {
		sb_str(&R, "control character 0x");
		if (d[off] >= 16) sb_byte(&R, HEX[d[off] >> 4]);
		sb_byte(&R, HEX[d[off] & 15]);
		sb_str(&R, " in string");
	} else if (str_eq(e, "unexpected character")) {
		sb_str(&R, "unexpected character ");
		sb_quote_byte(&R, d[off]);
	} else if (str_eq(e, "invalid escape")) {
		uint8_t c = d[off + 1]; /* %c: the rune of that byte, unquoted */
		sb_str(&R, "invalid escape \\");
		if (c < 0x80) sb_byte(&R, (char)c);
		else { char u[2] = {(char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f))}; sb_bytes(&R, u, 2); }
	} else if (str_eq(e, "invalid \\u escape")) {
		sb_str(&R, off + 6 > p->len ? "truncated \\u escape" : "invalid \\u escape");
	} else if (str_eq(e, "invalid UTF-8")) {
		sb_str(&R, "jcs: invalid UTF-8");
	} else if (str_eq(e, "nesting too deep")) {
		sb_str(&R, "jcs: nesting too deep: more than ");
		sb_i64(&R, p->max_depth);
		sb_str(&R, " levels");
	} else sb_str(&R, e);
	reject_reason();
}

/* The decoded name of token t: its bytes in the input, or, if it has an
 * escape, decoded into the arena. */
static name_ref token_name(strict_json *j, const assay_json_tok *t) {
	if (!t->escaped) return (name_ref){(const char *)j->p.data + t->off, t->len};
	name_ref r = {j->arena + j->arena_n, 0};
	r.len = assay_json_str(&j->p, t, j->arena + j->arena_n, j->p.len);
	j->arena_n += r.len;
	return r;
}

/* Reads the member name that starts (with its quote) at off. */
static name_ref read_name(strict_json *j, int32_t off) {
	assay_json q;
	assay_json_tok t;
	assay_json_init(&q, j->p.data + off, j->p.len - off, 1);
	assay_json_next(&q, &t);
	t.off += off;
	return token_name(j, &t);
}

__attribute__((noreturn)) static void duplicate(const char *prefix, int32_t at, name_ref n) {
	R.n = 0;
	sb_str(&R, prefix);
	sb_str(&R, "offset ");
	sb_i64(&R, at);
	sb_str(&R, ": jcs: duplicate member name ");
	sb_quote(&R, n.s, n.len);
	reject_reason();
}

/* strict_check reads the whole of data[0:len] as jcs.Parse with
 * MaxDepth max_depth and MaxValues max_values (<= 0: none) and rejects
 * with prefix + jcs's error if it is not valid. */
static void strict_check(strict_json *j, const char *prefix, const void *data, int32_t len, int32_t max_depth, int64_t max_values) {
	assay_json_init(&j->p, data, len, max_depth);
	j->values = 0;
	j->max_values = max_values;
	j->arena = xalloc((uint32_t)len + 1);
	j->arena_n = 0;
	j->names = xalloc((uint32_t)(len / 4 + 2) * sizeof(name_ref));
	j->nnames = 0;
	j->nobj = 0;
	j->next_obj = 0;
	j->table = 0;
	j->top_count = 0;
	assay_json *p = &j->p;
	for (;;) {
		int expect_name;
		int32_t name_at, at = next_value_at(p, &name_at, &expect_name);
		if (at >= 0) {
			if (p->depth == 1 && p->stack[0] == '[') j->top_count++;
			if (++j->values > j->max_values && j->max_values > 0) {
				R.n = 0;
				sb_str(&R, prefix);
				sb_str(&R, "offset ");
				sb_i64(&R, at);
				sb_str(&R, ": jcs: too many values: more than ");
				sb_i64(&R, j->max_values);
				reject_reason();
			}
		}
		assay_json_tok t;
		assay_json_kind k = assay_json_next(p, &t);
		if (k == ASSAY_JSON_ERROR) {
			/* jcs checks a name for duplicates before looking for ':' */
			if (name_at >= 0 && str_eq(p->err, "expected ':' after member name")) {
				name_ref n = read_name(j, name_at);
				j->names[j->nnames] = n;
				if (seen_name(j, j->nnames)) duplicate(prefix, name_at, n);
			}
			/* jcs wants a name where the reader finds the end */
			if (expect_name && str_eq(p->err, "unexpected end of input")) json_fail(prefix, p->err_off, "expected a member name");
			json_error(prefix, p);
		}
		switch (k) {
		case ASSAY_JSON_EOF:
			return;
		case ASSAY_JSON_OBJECT:
			j->obj_start[j->nobj] = j->nnames;
			j->obj_id[j->nobj++] = ++j->next_obj;
			break;
		case ASSAY_JSON_OBJECT_END:
			j->nnames = j->obj_start[--j->nobj];
			break;
		case ASSAY_JSON_STRING:
			if (t.name) {
				name_ref n = token_name(j, &t);
				j->names[j->nnames] = n;
				if (seen_name(j, j->nnames)) duplicate(prefix, t.off - 1, n);
				j->nnames++;
			}
			break;
		case ASSAY_JSON_NUMBER: {
			/* only an exponent or 309+ digits can reach infinity */
			int big = t.len > 300;
			for (int32_t i = 0; i < t.len && !big; i++) big = (p->data[t.off + i] | 0x20) == 'e';
			double f;
			if (big && assay_json_f64(p, &t, &f) != 0) {
				R.n = 0;
				sb_str(&R, prefix);
				sb_str(&R, "offset ");
				sb_i64(&R, t.off);
				sb_str(&R, ": jcs: number out of range: ");
				sb_bytes(&R, p->data + t.off, t.len > 40 ? 40 : t.len);
				if (t.len > 40) sb_str(&R, "...");
				reject_reason();
			}
			break;
		}
		default:
			break;
		}
	}
}

/* ---- params, as encoding/json decodes them into the Go struct ---- */

typedef struct {
	const char *symbol; int32_t symbol_len;
	int64_t interval, window, window_start, window_end;
	int has_start, has_end;
	const char *time_unit; int32_t time_unit_len;
	int complete;
	int64_t max_candles, max_bytes;
} params;

enum { F_STRING, F_INT64, F_PINT64, F_BOOL, F_INT };

static const struct { const char *name; int type; } fields[] = {
	{"symbol", F_STRING}, {"interval", F_INT64}, {"window", F_INT64}, {"window_start", F_PINT64},
	{"window_end", F_PINT64}, {"time_unit", F_STRING}, {"complete", F_BOOL}, {"max_candles", F_INT},
	{"max_bytes", F_INT},
};

/* The first error encoding/json saves: an unknown field or a type. */
static void type_error(sbuf *e, const char *value, const char *vtext, int32_t vn, const char *field, const char *type) {
	if (e->n) return;
	sb_str(e, "params: json: cannot unmarshal ");
	sb_str(e, value);
	if (vtext) { sb_byte(e, ' '); sb_bytes(e, vtext, vn); }
	sb_str(e, " into Go ");
	if (field) { sb_str(e, "struct field params."); sb_str(e, field); }
	else sb_str(e, "value");
	sb_str(e, " of type ");
	sb_str(e, type);
}

static const char *type_name(int type) {
	switch (type) {
	case F_STRING: return "string";
	case F_BOOL: return "bool";
	case F_INT: return "int";
	default: return "int64";
	}
}

/* encoding/json's scanner, as json.Decoder runs it over the params: the
 * same syntax errors ("invalid character 'x' looking for beginning of
 * value", ...), "unexpected EOF" and "EOF". It does not check UTF-8 (nor
 * does encoding/json). Returns where the value ends. */
enum { GS_VALUE, GS_VALUE_OR_EMPTY, GS_KEY_OR_EMPTY, GS_KEY, GS_STR, GS_ESC, GS_U, GS_NEG, GS_0, GS_1, GS_DOT,
       GS_DOT0, GS_E, GS_ESIGN, GS_E0, GS_LIT, GS_END };

__attribute__((noreturn)) static void go_syntax(uint8_t c, const char *context) {
	R.n = 0;
	sb_str(&R, "params: invalid character ");
	if (c == '"') sb_str(&R, "'\"'");
	else sb_quote_byte(&R, c);
	sb_byte(&R, ' ');
	sb_str(&R, context);
	reject_reason();
}

static int32_t go_scan(const uint8_t *d, int32_t n) {
	uint8_t *stack = xalloc((uint32_t)n + 1); /* '{' key, ':' value, '[' element */
	int32_t depth = 0, st = GS_VALUE, u = 0;
	const char *lit = 0;
	int32_t i;
	for (i = 0; i <= n; i++) {
		uint8_t c = i < n ? d[i] : ' '; /* json.Decoder feeds a space at EOF */
	again:
		switch (st) {
		case GS_VALUE_OR_EMPTY:
			if (is_space(c)) continue;
			if (c == ']') { depth--; st = GS_END; continue; }
			/* fall through */
		case GS_VALUE:
			if (is_space(c)) continue;
			if (c == '{' || c == '[') {
				stack[depth++] = c;
				st = c == '{' ? GS_KEY_OR_EMPTY : GS_VALUE_OR_EMPTY;
				if (depth > 10000) go_syntax(c, "exceeded max depth");
				continue;
			}
			switch (c) {
			case '"': st = GS_STR; continue;
			case '-': st = GS_NEG; continue;
			case '0': st = GS_0; continue;
			case 't': lit = "true"; u = 1; st = GS_LIT; continue;
			case 'f': lit = "false"; u = 1; st = GS_LIT; continue;
			case 'n': lit = "null"; u = 1; st = GS_LIT; continue;
			}
			if (c >= '1' && c <= '9') { st = GS_1; continue; }
			if (i == n) goto eof;
			go_syntax(c, "looking for beginning of value");
		case GS_KEY_OR_EMPTY:
			if (is_space(c)) continue;
			if (c == '}') { depth--; st = GS_END; continue; }
			/* fall through */
		case GS_KEY:
			if (is_space(c)) continue;
			if (c == '"') { st = GS_STR; continue; }
			if (i == n) goto eof;
			go_syntax(c, "looking for beginning of object key string");
		case GS_STR:
			if (i == n) goto eof;
			if (c == '"') st = GS_END;
			else if (c == '\\') st = GS_ESC;
			else if (c < 0x20) go_syntax(c, "in string literal");
			continue;
		case GS_ESC:
			if (i == n) goto eof;
			if (c == 'u') { st = GS_U; u = 0; continue; }
			if (c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't' || c == '\\' || c == '/' || c == '"') { st = GS_STR; continue; }
			go_syntax(c, "in string escape code");
		case GS_U:
			if (i == n) goto eof;
			if (assay__json_hex(c) < 0) go_syntax(c, "in \\u hexadecimal character escape");
			if (++u == 4) st = GS_STR;
			continue;
		case GS_NEG:
			if (c == '0') { st = GS_0; continue; }
			if (c >= '1' && c <= '9') { st = GS_1; continue; }
			if (i == n) goto eof;
			go_syntax(c, "in numeric literal");
		case GS_1:
			if (c >= '0' && c <= '9') continue;
			/* fall through */
		case GS_0:
			if (c == '.') { st = GS_DOT; continue; }
			if (c == 'e' || c == 'E') { st = GS_E; continue; }
			st = GS_END;
			goto again;
		case GS_DOT:
			if (c >= '0' && c <= '9') { st = GS_DOT0; continue; }
			if (i == n) goto eof;
			go_syntax(c, "after decimal point in numeric literal");
		case GS_DOT0:
			if (c >= '0' && c <= '9') continue;
			if (c == 'e' || c == 'E') { st = GS_E; continue; }
			st = GS_END;
			goto again;
		case GS_E:
			if (c == '+' || c == '-') { st = GS_ESIGN; continue; }
			/* fall through */
		case GS_ESIGN:
			if (c >= '0' && c <= '9') { st = GS_E0; continue; }
			if (i == n) goto eof;
			go_syntax(c, "in exponent of numeric literal");
		case GS_E0:
			if (c >= '0' && c <= '9') continue;
			st = GS_END;
			goto again;
		case GS_LIT:
			if (c == (uint8_t)lit[u]) { if (!lit[++u]) st = GS_END; continue; }
			if (i == n) goto eof;
			{
				char ctx[40] = "in literal ";
				int32_t k = 11;
				for (int32_t j = 0; lit[j]; j++) ctx[k++] = lit[j];
				ctx[k++] = ' '; ctx[k++] = '('; ctx[k++] = 'e'; ctx[k++] = 'x'; ctx[k++] = 'p'; ctx[k++] = 'e'; ctx[k++] = 'c';
				ctx[k++] = 't'; ctx[k++] = 'i'; ctx[k++] = 'n'; ctx[k++] = 'g'; ctx[k++] = ' '; ctx[k++] = '\'';
				ctx[k++] = lit[u]; ctx[k++] = '\''; ctx[k++] = ')'; ctx[k] = 0;
				go_syntax(c, ctx);
			}
		case GS_END:
			if (depth == 0) return i; /* the value ended before this byte */
			if (is_space(c)) continue;
			if (stack[depth - 1] == '{') {
				if (c == ':') { stack[depth - 1] = ':'; st = GS_VALUE; continue; }
				if (i == n) goto eof;
				go_syntax(c, "after object key");
			}
			if (stack[depth - 1] == ':') {
				if (c == ',') { stack[depth - 1] = '{'; st = GS_KEY; continue; }
				if (c == '}') { depth--; continue; }
				if (i == n) goto eof;
				go_syntax(c, "after object key:value pair");
			}
			if (c == ',') { st = GS_VALUE; continue; }
			if (c == ']') { depth--; continue; }
			if (i == n) goto eof;
			go_syntax(c, "after array element");
		}
	}
eof:
	R.n = 0;
	sb_str(&R, skip_space(&(assay_json){.data = d, .len = n}, 0) >= n ? "params: EOF" : "params: unexpected EOF");
	reject_reason();
}

/* The decoder's view of the scanned params: bytes, position. */
typedef struct { const uint8_t *d; int32_t n, pos; } gdec;

static void gd_space(gdec *g) { while (g->pos < g->n && is_space(g->d[g->pos])) g->pos++; }

static int32_t gd_hex4(const uint8_t *d, int32_t n, int32_t i) {
	if (i + 6 > n || d[i] != '\\' || d[i + 1] != 'u') return -1;
	int32_t v = 0;
	for (int32_t j = 2; j < 6; j++) {
		int h = assay__json_hex(d[i + j]);
		if (h < 0) return -1;
		v = v * 16 + h;
	}
	return v;
}

static void put_rune(sbuf *s, uint32_t r) {
	char u[4];
	int32_t k;
	if (r < 0x80) { u[0] = (char)r; k = 1; }
	else if (r < 0x800) { u[0] = (char)(0xc0 | (r >> 6)); u[1] = (char)(0x80 | (r & 0x3f)); k = 2; }
	else if (r < 0x10000) { u[0] = (char)(0xe0 | (r >> 12)); u[1] = (char)(0x80 | ((r >> 6) & 0x3f)); u[2] = (char)(0x80 | (r & 0x3f)); k = 3; }
	else { u[0] = (char)(0xf0 | (r >> 18)); u[1] = (char)(0x80 | ((r >> 12) & 0x3f)); u[2] = (char)(0x80 | ((r >> 6) & 0x3f)); u[3] = (char)(0x80 | (r & 0x3f)); k = 4; }
	sb_bytes(s, u, k);
}

/* The string at g->pos (its quote), unquoted as encoding/json does:
 * invalid UTF-8 and lone surrogates become U+FFFD. */
static void gd_string(gdec *g, sbuf *out) {
	const uint8_t *d = g->d;
	int32_t i = g->pos + 1;
	out->n = 0;
	while (d[i] != '"') {
		if (d[i] == '\\') {
			uint8_t e = d[i + 1];
			if (e != 'u') {
				char c = e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : (char)e;
				sb_byte(out, c);
				i += 2;
				continue;
			}
			uint32_t r = (uint32_t)gd_hex4(d, g->n, i);
			i += 6;
			if (r >= 0xd800 && r < 0xe000) {
				int32_t lo = gd_hex4(d, g->n, i);
				if (r < 0xdc00 && lo >= 0xdc00 && lo < 0xe000) { r = 0x10000 + ((r - 0xd800) << 10) + ((uint32_t)lo - 0xdc00); i += 6; }
				else r = 0xfffd;
			}
			put_rune(out, r);
			continue;
		}
		uint32_t r;
		int32_t k = utf8_at(d + i, g->n - i, &r);
		if (!k) { put_rune(out, 0xfffd); i++; continue; }
		sb_bytes(out, d + i, k);
		i += k;
	}
	g->pos = i + 1;
}

/* Skips the (valid) value at g->pos. */
static void gd_skip(gdec *g) {
	int32_t depth = 0;
	do {
		gd_space(g);
		uint8_t c = g->d[g->pos];
		if (c == '"') { sbuf t = {0, 0, 0}; gd_string(g, &t); }
		else if (c == '{' || c == '[') { depth++; g->pos++; }
		else if (c == '}' || c == ']') { depth--; g->pos++; }
		else if (c == ',' || c == ':') g->pos++;
		else while (g->pos < g->n && !is_space(g->d[g->pos]) && g->d[g->pos] != ',' && g->d[g->pos] != '}' &&
		            g->d[g->pos] != ']' && g->d[g->pos] != ':') g->pos++;
	} while (depth > 0);
}

/* encoding/json's field match: exact, else folded (ASCII case, and the
 * two non-ASCII runes that fold into ASCII letters: ſ and the Kelvin K). */
static int go_fold_eq(const char *key, int32_t n, const char *field) {
	int32_t j = 0;
	for (int32_t i = 0; i < n;) {
		uint8_t c = (uint8_t)key[i];
		uint32_t r;
		int32_t k = utf8_at((const uint8_t *)key + i, n - i, &r);
		if (!k) return 0;
		if (r == 0x17f) c = 's';
		else if (r == 0x212a) c = 'k';
		else if (r >= 0x80) return 0;
		else if (c >= 'A' && c <= 'Z') c = (uint8_t)(c + 32);
		if (!field[j] || (uint8_t)field[j] != c) return 0;
		j++;
		i += k;
	}
	return field[j] == 0;
}

static void parse_params(params *pr, const char *raw, int32_t n) {
	if (n == 0) reject_str("params: empty, want JSON");
	gdec g = {(const uint8_t *)raw, 0, 0};
	g.n = go_scan(g.d, n);
	sbuf err = {0, 0, 0}, key = {0, 0, 0}, str = {0, 0, 0};
	gd_space(&g);
	uint8_t c = g.d[g.pos];
	if (c == '{') {
		g.pos++;
		for (;;) {
			gd_space(&g);
			if (g.d[g.pos] == '}') { g.pos++; break; }
			if (g.d[g.pos] == ',') { g.pos++; gd_space(&g); }
			gd_string(&g, &key);
			gd_space(&g);
			g.pos++; /* ':' */
			gd_space(&g);
			int f = -1;
			for (int i = 0; i < (int)(sizeof fields / sizeof fields[0]) && f < 0; i++)
				if (bytes_eq(key.b, key.n, fields[i].name, assay_strlen(fields[i].name))) f = i;
			for (int i = 0; i < (int)(sizeof fields / sizeof fields[0]) && f < 0; i++)
				if (go_fold_eq(key.b, key.n, fields[i].name)) f = i;
			uint8_t v = g.d[g.pos];
			int32_t vstart = g.pos;
			if (f < 0) {
				if (!err.n) { sb_str(&err, "params: json: unknown field "); sb_quote(&err, key.b, key.n); }
				gd_skip(&g);
				continue;
			}
			int type = fields[f].type;
			const char *fname = fields[f].name, *tname = type_name(type);
			if (v == 'n') { /* null: no change, a pointer becomes nil */
				if (f == 3) pr->has_start = 0;
				if (f == 4) pr->has_end = 0;
			} else if (v == '"') {
				if (type != F_STRING) type_error(&err, "string", 0, 0, fname, tname);
				else {
					gd_string(&g, &str);
					char *s = xalloc((uint32_t)str.n + 1);
					copy(s, str.b, str.n);
					if (f == 0) { pr->symbol = s; pr->symbol_len = str.n; }
					else { pr->time_unit = s; pr->time_unit_len = str.n; }
					continue;
				}
			} else if (v == 't' || v == 'f') {
				if (type != F_BOOL) type_error(&err, "bool", 0, 0, fname, tname);
				else pr->complete = v == 't';
			} else if (v == '[' || v == '{') {
				type_error(&err, v == '[' ? "array" : "object", 0, 0, fname, tname);
			} else { /* a number */
				gd_skip(&g);
				int64_t x;
				const char *text = (const char *)g.d + vstart;
				int32_t tn = g.pos - vstart;
				if (type == F_STRING || type == F_BOOL) type_error(&err, "number", 0, 0, fname, tname);
				else if (go_atoi(text, tn, &x) != DEC_OK) type_error(&err, "number", text, tn, fname, tname);
				else switch (f) {
					case 1: pr->interval = x; break;
					case 2: pr->window = x; break;
					case 3: pr->window_start = x; pr->has_start = 1; break;
					case 4: pr->window_end = x; pr->has_end = 1; break;
					case 7: pr->max_candles = x; break;
					case 8: pr->max_bytes = x; break;
					}
				continue;
			}
			g.pos = vstart;
			gd_skip(&g);
		}
	} else if (c != 'n') {
		type_error(&err, c == '[' ? "array" : c == '"' ? "string" : c == 't' || c == 'f' ? "bool" : "number", 0, 0, 0, "main.params");
	}
	if (err.n) { R = err; reject_reason(); }
	if (skip_space(&(assay_json){.data = (const uint8_t *)raw, .len = n}, g.n) < n) reject_str("params: trailing data after the JSON value");

	int bad_unit = pr->time_unit_len != 0 && !bytes_eq(pr->time_unit, pr->time_unit_len, "s", 1) &&
		!bytes_eq(pr->time_unit, pr->time_unit_len, "ms", 2);
	if (pr->symbol_len == 0) reject_str("params: symbol is required");
	if (bad_unit) {
		R.n = 0;
		sb_str(&R, "params: time_unit ");
		sb_quote(&R, pr->time_unit, pr->time_unit_len);
		sb_str(&R, ", want \"s\" or \"ms\"");
		reject_reason();
	}
	if (pr->interval < 0 || pr->window < 0 || pr->max_candles < 0 || pr->max_bytes < 0)
		reject_str("params: interval, window, max_candles and max_bytes must not be negative");
	if (pr->has_start != pr->has_end) reject_str("params: give both window_start and window_end, or neither");
	if (!pr->has_start && pr->window == 0) reject_str("params: give window, or window_start and window_end");
	if (pr->time_unit_len == 0) { pr->time_unit = "s"; pr->time_unit_len = 1; }
	if (pr->max_candles == 0) pr->max_candles = 1000;
	if (pr->max_bytes == 0) pr->max_bytes = 48 << 10;
}

static int64_t floor_div(int64_t a, int64_t b) {
	int64_t q = a / b;
	if (a % b != 0 && (a < 0) != (b < 0)) q--;
	return q;
}

/* Go's int64 arithmetic wraps; C's signed overflow must not happen. */
static int64_t wadd(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wsub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int64_t wmul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

/* ---- candles ---- */

typedef struct { int64_t t; decimal d[5]; } candle; /* o, h, l, c, v */

static const char *const FIELD_NAMES[6] = {"t", "o", "h", "l", "c", "v"};

static void reject_candle_prefix(int32_t i) {
	R.n = 0;
	sb_str(&R, "candle ");
	sb_i64(&R, i);
	sb_str(&R, ": ");
}

/* Reads the candle whose first token is e (the reader is past it). */
static void parse_candle(assay_json *p, const assay_json_tok *e, int32_t idx, candle *c) {
	assay_json_tok f[6], t;
	int32_t n = 0;
	if (e->kind == ASSAY_JSON_ARRAY) {
		for (;;) {
			assay_json_next(p, &t);
			if (t.kind == ASSAY_JSON_ARRAY_END) break;
			if (n < 6) f[n] = t;
			n++;
			assay_json_skip(p, &t);
		}
		if (n != 6) {
			reject_candle_prefix(idx);
			sb_str(&R, "array of ");
			sb_i64(&R, n);
			sb_str(&R, " values, want [t, o, h, l, c, v]");
			reject_reason();
		}
	} else if (e->kind == ASSAY_JSON_OBJECT) {
		assay_json_tok names[6], vals[6];
		for (;;) {
			assay_json_next(p, &t);
			if (t.kind == ASSAY_JSON_OBJECT_END) break;
			if (n < 6) names[n] = t;
			assay_json_next(p, &t);
			if (n < 6) vals[n] = t;
			n++;
			assay_json_skip(p, &t);
		}
		if (n != 6) {
			reject_candle_prefix(idx);
			sb_str(&R, "object with ");
			sb_i64(&R, n);
			sb_str(&R, " members, want t, o, h, l, c, v");
			reject_reason();
		}
		for (int k = 0; k < 6; k++) {
			int found = 0;
			for (int m = 0; m < 6 && !found; m++)
				if (assay_json_str_eq(p, &names[m], FIELD_NAMES[k])) { f[k] = vals[m]; found = 1; }
			if (!found) {
				reject_candle_prefix(idx);
				sb_str(&R, "missing ");
				sb_quote(&R, FIELD_NAMES[k], 1);
				reject_reason();
			}
		}
	} else {
		reject_candle_prefix(idx);
		sb_str(&R, "a ");
		sb_str(&R, kind_name(e->kind));
		sb_str(&R, ", want an object or an array");
		reject_reason();
	}
	double x = 0;
	if (f[0].kind == ASSAY_JSON_NUMBER) assay_json_f64(p, &f[0], &x);
	if (f[0].kind != ASSAY_JSON_NUMBER || !(x >= -9.2e18 && x <= 9.2e18) || (double)(int64_t)x != x) {
		reject_candle_prefix(idx);
		sb_str(&R, "t is not an integer");
		reject_reason();
	}
	c->t = (int64_t)x;
	for (int k = 0; k < 5; k++) {
		const assay_json_tok *v = &f[k + 1];
		int r;
		if (v->kind == ASSAY_JSON_NUMBER) {
			char text[40];
			int32_t tn = 0;
			/* A number of at most 15 significant digits whose decimal
			 * reads as a normal double is its own shortest round-trip
			 * form (DBL_DIG is 15): sdk/dec's FromFloat gives the digits
			 * of the text, so the bignum formatting can be skipped. */
			r = v->len <= 40 ? dec_parse((const char *)p->data + v->off, v->len, &c->d[k]) : DEC_RANGE;
			if (r == DEC_OK && c->d[k].n <= 15) continue;
			assay_json_f64(p, v, &x);
			r = dec_from_f64(x, &c->d[k], text, &tn);
			if (r != DEC_OK) {
				reject_candle_prefix(idx);
				sb_str(&R, FIELD_NAMES[k + 1]);
				sb_str(&R, ": ");
				sb_dec_err(&R, r, text, tn);
				reject_reason();
			}
		} else if (v->kind == ASSAY_JSON_STRING) {
			char *s = xalloc((uint32_t)v->len + 1);
			int32_t sn = assay_json_str(p, v, s, v->len);
			r = dec_parse(s, sn, &c->d[k]);
			if (r != DEC_OK) {
				reject_candle_prefix(idx);
				sb_str(&R, FIELD_NAMES[k + 1]);
				sb_str(&R, ": ");
				sb_dec_err(&R, r, s, sn);
				reject_reason();
			}
		} else {
			reject_candle_prefix(idx);
			sb_str(&R, FIELD_NAMES[k + 1]);
			sb_str(&R, ": a ");
			sb_str(&R, kind_name(v->kind));
			sb_str(&R, ", want a number or a decimal string");
			reject_reason();
		}
	}
}

static void window_str(sbuf *s, int64_t ws, int64_t we) {
	sb_str(s, "[");
	sb_i64(s, ws);
	sb_str(s, ", ");
	sb_i64(s, we);
	sb_str(s, ")");
}

/* "low 9, high 12]" */
static void low_high(const candle *c) {
	sb_str(&R, "low ");
	sb_dec(&R, &c->d[2]);
	sb_str(&R, ", high ");
	sb_dec(&R, &c->d[1]);
	sb_str(&R, "]");
}

static void check_candle(const candle *c, int32_t i, const candle *prev, const params *pr, int64_t ws, int64_t we) {
	const decimal *o = &c->d[0], *h = &c->d[1], *l = &c->d[2], *cl = &c->d[3], *v = &c->d[4];
	reject_candle_prefix(i);
	if (c->t < ws || c->t >= we) {
		sb_str(&R, "t ");
		sb_i64(&R, c->t);
		sb_str(&R, " outside window ");
		window_str(&R, ws, we);
		reject_reason();
	}
	if (prev && c->t <= prev->t) {
		sb_str(&R, "t ");
		sb_i64(&R, c->t);
		sb_str(&R, " is not after the previous candle's ");
		sb_i64(&R, prev->t);
		reject_reason();
	}
	if (pr->interval > 0 && wsub(c->t, ws) % pr->interval != 0) {
		sb_str(&R, "t ");
		sb_i64(&R, c->t);
		sb_str(&R, " is not on the ");
		sb_i64(&R, pr->interval);
		sb_str(&R, " interval grid from ");
		sb_i64(&R, ws);
		reject_reason();
	}
	if (dec_cmp(l, h) > 0) {
		sb_str(&R, "low ");
		sb_dec(&R, l);
		sb_str(&R, " > high ");
		sb_dec(&R, h);
		reject_reason();
	}
	if (dec_cmp(o, l) < 0 || dec_cmp(o, h) > 0) {
		sb_str(&R, "open ");
		sb_dec(&R, o);
		sb_str(&R, " outside [");
		low_high(c);
		reject_reason();
	}
	if (dec_cmp(cl, l) < 0 || dec_cmp(cl, h) > 0) {
		sb_str(&R, "close ");
		sb_dec(&R, cl);
		sb_str(&R, " outside [");
		low_high(c);
		reject_reason();
	}
	if (dec_sign(v) < 0) {
		sb_str(&R, "volume ");
		sb_dec(&R, v);
		sb_str(&R, " is negative");
		reject_reason();
	}
	R.n = 0;
}

/* An int64 as an RFC 8785 number: integers of magnitude up to 2^53 are
 * exact doubles, printed as their digits; others go through the double. */
static void out_int(sbuf *s, int64_t v);

static void out_f64(sbuf *s, double v) {
	char buf[ASSAY_F64_BUF];
	sb_bytes(s, buf, assay_fmt_f64(buf, v));
}

static void out_int(sbuf *s, int64_t v) {
	if (v >= -(1ll << 53) && v <= (1ll << 53)) sb_i64(s, v);
	else out_f64(s, (double)v);
}

/* An RFC 8785 string, as assay_output_json_str writes it. */
static void out_str(sbuf *s, const char *z, int32_t n) {
	sb_byte(s, '"');
	for (int32_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)z[i];
		int32_t run = i;
		while (run < n && (unsigned char)z[run] >= 0x20 && z[run] != '"' && z[run] != '\\') run++;
		if (run > i) { sb_bytes(s, z + i, run - i); i = run - 1; continue; }
		switch (c) {
		case '"': case '\\': sb_byte(s, '\\'); sb_byte(s, (char)c); break;
		case '\b': sb_str(s, "\\b"); break;
		case '\f': sb_str(s, "\\f"); break;
		case '\n': sb_str(s, "\\n"); break;
		case '\r': sb_str(s, "\\r"); break;
		case '\t': sb_str(s, "\\t"); break;
		default:
			if (c < 0x20) { sb_str(s, "\\u00"); sb_byte(s, HEX[c >> 4]); sb_byte(s, HEX[c & 15]); }
			else sb_byte(s, (char)c);
		}
	}
	sb_byte(s, '"');
}

ASSAY_VALIDATE {
	params pr = {0};
	int32_t pn = assay_params_len();
	char *raw = xalloc((uint32_t)pn + 1);
	assay_read_params(raw, pn);
	parse_params(&pr, raw, pn);

	int64_t ws, we;
	if (pr.has_start) {
		ws = pr.window_start;
		we = pr.window_end;
		if (we <= ws) {
			R.n = 0;
			sb_str(&R, "params: window_end ");
			sb_i64(&R, we);
			sb_str(&R, " is not after window_start ");
			sb_i64(&R, ws);
			reject_reason();
		}
	} else {
		int64_t now = floor_div(assay_round_time(), pr.time_unit_len == 2 ? 1000000 : 1000000000);
		we = wmul(floor_div(now, pr.window), pr.window);
		ws = wsub(we, pr.window);
	}

	int32_t n = assay_input_len();
	if ((int64_t)n > pr.max_bytes) {
		R.n = 0;
		sb_str(&R, "input of ");
		sb_i64(&R, n);
		sb_str(&R, " bytes exceeds max_bytes ");
		sb_i64(&R, pr.max_bytes);
		reject_reason();
	}
	char *in = xalloc((uint32_t)n + 1);
	assay_read_input(in, n);

	/* jcs.Parse(input, {MaxDepth: 4, MaxValues: 7*max_candles + 1}) */
	strict_json j;
	strict_check(&j, "input is not valid JSON: ", in, n, 4, wadd(wmul(7, pr.max_candles), 1));

	assay_json p;
	assay_json_tok t;
	assay_json_init(&p, in, n, 4);
	assay_json_next(&p, &t);
	if (t.kind != ASSAY_JSON_ARRAY) {
		R.n = 0;
		sb_str(&R, "input is a JSON ");
		sb_str(&R, kind_name(t.kind));
		sb_str(&R, ", want an array of candles");
		reject_reason();
	}
	int32_t count = j.top_count;
	if (count == 0) {
		R.n = 0;
		sb_str(&R, "no candles in window ");
		window_str(&R, ws, we);
		reject_reason();
	}
	if ((int64_t)count > pr.max_candles) {
		R.n = 0;
		sb_i64(&R, count);
		sb_str(&R, " candles exceed max_candles ");
		sb_i64(&R, pr.max_candles);
		reject_reason();
	}
	candle *cs = xalloc((uint32_t)count * sizeof(candle));
	for (int32_t i = 0; i < count; i++) {
		assay_json_next(&p, &t);
		parse_candle(&p, &t, i, &cs[i]);
		check_candle(&cs[i], i, i ? &cs[i - 1] : 0, &pr, ws, we);
	}
	if (pr.complete && pr.interval > 0) {
		int64_t want = wsub(wadd(wsub(we, ws), pr.interval), 1) / pr.interval;
		if ((int64_t)count != want) {
			R.n = 0;
			sb_str(&R, "window has ");
			sb_i64(&R, count);
			sb_str(&R, " candles, want ");
			sb_i64(&R, want);
			sb_str(&R, " (complete)");
			reject_reason();
		}
	}

	/* {"candles":[[t,"o","h","l","c","v"],...],"interval":..,"symbol":..,"time_unit":..,"window_end":..,"window_start":..} */
	sbuf out = {0, 0, 0}, num = {0, 0, 0};
	sb_str(&out, "{\"candles\":[");
	for (int32_t i = 0; i < count; i++) {
		if (i) sb_byte(&out, ',');
		sb_byte(&out, '[');
		out_int(&out, cs[i].t);
		for (int k = 0; k < 5; k++) {
			num.n = 0;
			sb_dec(&num, &cs[i].d[k]);
			sb_byte(&out, ',');
			out_str(&out, num.b, num.n);
		}
		sb_byte(&out, ']');
	}
	sb_str(&out, "],\"interval\":");
	out_int(&out, pr.interval);
	sb_str(&out, ",\"symbol\":");
	out_str(&out, pr.symbol, pr.symbol_len);
	sb_str(&out, ",\"time_unit\":");
	out_str(&out, pr.time_unit, pr.time_unit_len);
	sb_str(&out, ",\"window_end\":");
	out_int(&out, we);
	sb_str(&out, ",\"window_start\":");
	out_int(&out, ws);
	sb_byte(&out, '}');
	assay_output_write(out.b, out.n);
}
