/*
 * c-validator: an Assay validator in C (build: make -C examples/c-validator).
 *
 * Input: unsigned decimal integers, one per line ("\n" or "\r\n"; a final
 * newline is optional). Params: the text "max=N" (optional; default no
 * limit). The validator rejects an empty input, a line that is not a
 * number, a number above max, or an input over 64 KiB, and otherwise
 * outputs "count=C sum=S max=M\n".
 */
#include "assay.h"

#define MAX_INPUT (64 * 1024)

static uint8_t input[MAX_INPUT];
static char params[64];

/* reject_at rejects with "<what> on line <n>". */
static void reject_at(const char *what, uint64_t line) {
	char msg[96];
	int32_t n = 0;
	for (const char *p = what; *p && n < 60; p++) msg[n++] = *p;
	const char *on = " on line ";
	for (const char *p = on; *p; p++) msg[n++] = *p;
	n += assay_fmt_u64(msg + n, line);
	assay_reject(msg, n);
}

/* parse_max reads "max=N" from the params; returns UINT64_MAX if absent. */
static uint64_t parse_max(void) {
	int32_t n = assay_read_params(params, sizeof params);
	if (n < 0) assay_reject_str("params: longer than 64 bytes");
	if (n == 0) return UINT64_MAX;
	if (n < 5 || params[0] != 'm' || params[1] != 'a' || params[2] != 'x' || params[3] != '=')
		assay_reject_str("params: want max=N");
	uint64_t max = 0;
	for (int32_t i = 4; i < n; i++) {
		if (params[i] == '\n') break;
		if (params[i] < '0' || params[i] > '9' || max > (UINT64_MAX - 9) / 10)
			assay_reject_str("params: want max=N");
		max = max * 10 + (uint64_t)(params[i] - '0');
	}
	return max;
}

ASSAY_VALIDATE {
	uint64_t max = parse_max();
	int32_t n = assay_read_input(input, MAX_INPUT);
	if (n < 0) assay_reject_str("input exceeds 65536 bytes");
	if (n == 0) assay_reject_str("empty input");

	uint64_t count = 0, sum = 0, line = 1, value = 0, top = 0;
	int digits = 0;
	for (int32_t i = 0; i <= n; i++) {
		uint8_t c = i < n ? input[i] : '\n';
		if (c == '\r' && i + 1 < n && input[i + 1] == '\n') continue;
		if (c == '\n') {
			if (i == n && digits == 0 && n > 0 && input[n - 1] == '\n') break;
			if (digits == 0) reject_at("empty line", line);
			if (value > max) reject_at("value above max", line);
			if (sum + value < sum) reject_at("sum overflows", line);
			count++, sum += value, line++;
			if (value > top) top = value;
			value = 0, digits = 0;
			continue;
		}
		if (c < '0' || c > '9') reject_at("not a number", line);
		if (value > (UINT64_MAX - 9) / 10) reject_at("number too large", line);
		value = value * 10 + (uint64_t)(c - '0');
		digits++;
	}
	assay_output_str("count=");
	assay_output_u64(count);
	assay_output_str(" sum=");
	assay_output_u64(sum);
	assay_output_str(" max=");
	assay_output_u64(top);
	assay_output_str("\n");
}
