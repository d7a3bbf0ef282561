/* sdktest drives the C SDK's JSON reader and number conversions for
 * sdk/c's Go tests. The input's first byte picks the mode:
 *   'F' + 8-byte little-endian doubles: each formatted, one per line;
 *   'P' + number texts, one per line: each parsed, 16 hex digits per line;
 *   'J' + JSON: the token stream, one token per line (E offset message on error). */
#include "assay.h"

static uint8_t in[1 << 20];
static char line[4096];

static void out_hex(uint64_t v) {
	static const char hx[] = "0123456789abcdef";
	char b[17];
	for (int i = 15; i >= 0; i--) { b[i] = hx[v & 15]; v >>= 4; }
	b[16] = '\n';
	assay_output_write(b, 17);
}

ASSAY_VALIDATE {
	int32_t n = assay_read_input(in, sizeof in);
	if (n < 1) assay_reject_str("empty input");
	if (in[0] == 'F') {
		for (int32_t i = 1; i + 8 <= n; i += 8) {
			uint64_t u = 0;
			for (int j = 7; j >= 0; j--) u = (u << 8) | in[i + j];
			assay_output_f64(assay_bits_f64(u));
			assay_output_write("\n", 1);
		}
		return;
	}
	if (in[0] == 'P') {
		int32_t i = 1;
		while (i < n) {
			int32_t j = i;
			while (j < n && in[j] != '\n') j++;
			assay_json p;
			assay_json_tok t;
			t.off = i; t.len = j - i;
			p.data = in; p.len = n;
			double v;
			if (assay_json_f64(&p, &t, &v) != 0) assay_output_write("range\n", 6);
			else out_hex(assay_f64_bits(v));
			i = j + 1;
		}
		return;
	}
	assay_json p;
	assay_json_init(&p, in + 1, n - 1, 64);
	for (int guard = 0; guard < (1 << 20); guard++) {
		assay_json_tok t;
		assay_json_kind k = assay_json_next(&p, &t);
		switch (k) {
		case ASSAY_JSON_ERROR: {
			char b[24];
			assay_output_write("E ", 2);
			assay_output_write(b, assay_fmt_u64(b, (uint64_t)p.err_off));
			assay_output_write(" ", 1);
			assay_output_str(p.err);
			assay_output_write("\n", 1);
			return;
		}
		case ASSAY_JSON_EOF: return;
		case ASSAY_JSON_NULL: assay_output_str("null\n"); break;
		case ASSAY_JSON_TRUE: assay_output_str("true\n"); break;
		case ASSAY_JSON_FALSE: assay_output_str("false\n"); break;
		case ASSAY_JSON_ARRAY: assay_output_str("[\n"); break;
		case ASSAY_JSON_ARRAY_END: assay_output_str("]\n"); break;
		case ASSAY_JSON_OBJECT: assay_output_str("{\n"); break;
		case ASSAY_JSON_OBJECT_END: assay_output_str("}\n"); break;
		case ASSAY_JSON_NUMBER: {
			double v;
			if (assay_json_f64(&p, &t, &v) != 0) { assay_output_str("E number out of range\n"); return; }
			assay_output_f64(v);
			assay_output_write("\n", 1);
			break;
		}
		case ASSAY_JSON_STRING: {
			int32_t m = assay_json_str(&p, &t, line, sizeof line);
			if (m < 0) { assay_output_str("E string too long\n"); return; }
			if (t.name) assay_output_str("name ");
			assay_output_json_str(line, m);
			assay_output_write("\n", 1);
			break;
		}
		}
	}
}
