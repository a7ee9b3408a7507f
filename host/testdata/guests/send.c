/* send.c: probes resp_send (spec §5) and reports the return codes, one
 * "name=rc" line each, in the body of a final resp_send with status 201.
 * Expected:
 *   status99=-3 short=-3 trailing=-3 count101=-2 crlf=-3 reserved=-3
 *   over100=-2 (one header was added by resp_header first)
 *   and, after the report's resp_send, again=-4 header_after=-4
 * ?case=empty answers 202 "fine" with an empty header range.
 * Every refused list starts with X-Refused: none may reach the client.
 * ?case=trap passes a header range outside memory (the host traps: 500);
 * ?case=big sends a body over limits.response_bytes (500). */
#include "sandkit.h"

#include <string.h>

static uint8_t list[64 << 10];
static uint32_t n;
static int nline;
static int32_t codes[16];
static const char *names[16];
static char report[1024];

static void note(const char *name, int32_t rc) {
	names[nline] = name;
	codes[nline++] = rc;
}

static void u32(uint32_t v) {
	memcpy(list + n, &v, 4); /* wasm32 is little-endian */
	n += 4;
}

static void str(const char *s, uint32_t len) {
	u32(len);
	memcpy(list + n, s, len);
	n += len;
}

/* begin starts a list of count pairs whose first is X-Refused: 1. */
static void begin(uint32_t count) {
	n = 0;
	u32(count);
	str("X-Refused", 9);
	str("1", 1);
}

static int32_t send(int32_t status, const void *body, int32_t len) {
	return sandkit_resp_send(status, list, (int32_t)n, body, len);
}

int sk_serve(const sk_request *req) {
	char c[16];
	nline = 0;
	if (sk_query_get(req->query, "case", c, sizeof c) >= 0) {
		if (strcmp(c, "trap") == 0)
			return sandkit_resp_send(200, (const void *)0xfffffff0, 64, "", 0);
		if (strcmp(c, "empty") == 0) /* an empty header range: no header */
			return sandkit_resp_send(202, list, 0, "fine", 4) != 0;
		if (strcmp(c, "big") == 0) {
			static char big[100001];
			n = 0;
			u32(0);
			note("big", send(200, big, sizeof big));
			return 0; /* the host fails the request whatever we return */
		}
	}
	sk_set_header("X-Before", "kept");

	begin(1);
	note("status99", send(99, "x", 1));
	begin(2); /* declares two pairs, holds one */
	note("short", send(200, "x", 1));
	begin(1);
	list[n++] = 0;
	note("trailing", send(200, "x", 1));
	begin(101);
	note("count101", send(200, "x", 1));
	begin(2);
	str("X-Bad", 5);
	str("a\r\nb", 4);
	note("crlf", send(200, "x", 1));
	begin(2);
	str("Content-Length", 14);
	str("1", 1);
	note("reserved", send(200, "x", 1));
	begin(100); /* 100 valid pairs, but X-Before is already there */
	for (int i = 1; i < 100; i++) {
		char num[21];
		const char *v = sk_utoa((uint64_t)i, num);
		str("X-N", 3);
		str(v, (uint32_t)strlen(v));
	}
	note("over100", send(200, "x", 1));

	/* The report. */
	size_t off = 0;
	for (int i = 0; i < nline; i++) {
		char num[21];
		const char *v = sk_utoa((uint64_t)(codes[i] < 0 ? -codes[i] : codes[i]), num);
		size_t nl = strlen(names[i]), vl = strlen(v);
		memcpy(report + off, names[i], nl);
		off += nl;
		report[off++] = '=';
		if (codes[i] < 0)
			report[off++] = '-';
		memcpy(report + off, v, vl);
		off += vl;
		report[off++] = '\n';
	}
	n = 0;
	u32(2);
	str("Content-Type", 12);
	str("text/plain", 10);
	str("x-probe", 7);
	str("ok", 2);
	int32_t rc = send(201, report, (int32_t)off);
	if (rc != 0)
		return 1;
	sk_write_str("again="); /* resp_write may follow resp_send */
	n = 0;
	sk_write_i64(sandkit_resp_send(200, list, 0, "", 0));
	sk_write_str("\nheader_after=");
	sk_write_i64(sk_set_header("X-Late", "1"));
	return sk_write_str("\n") < 0;
}
