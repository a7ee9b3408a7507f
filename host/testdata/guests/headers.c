/* headers.c: probes resp_header and resp_status limits and reports the return
 * codes, one "name=rc" line each, in a 200 text body. Expected per spec §5:
 *   crlf=-3 lf=-3 nul=-3 name300=-3 name0=-3 badname=-3 name256=0 val8k=0
 *   val8k1=-3 status99=-3 status1000=-3 status200=0
 *   many_ok=98 many_rc=-2 (200 tries; 2 headers were already added above)
 *   after_body_header=-4 after_body_status=-4
 * "after_body_*" lines come after the first body byte was written. */
#include "sandkit.h"

#include <string.h>

static char big[8193];
static int nline;
static int32_t codes[32];
static const char *names[32];

static void note(const char *name, int32_t rc) {
	names[nline] = name;
	codes[nline++] = rc;
}

static int32_t hdr(const void *n, int32_t nl, const void *v, int32_t vl) {
	return sandkit_resp_header(n, nl, v, vl);
}

int sk_serve(const sk_request *req) {
	(void)req;
	nline = 0;
	memset(big, 'a', sizeof big);
	note("crlf", hdr("X-Bad", 5, "a\r\nb", 4));
	note("lf", hdr("X-Bad", 5, "a\nX-Evil: 1", 11));
	note("nul", hdr("X-Bad", 5, "a\0b", 3));
	note("name300", hdr(big, 300, "v", 1));
	note("name0", hdr("", 0, "v", 1));
	note("badname", hdr("X Bad:", 6, "v", 1));
	note("name256", hdr(big, 256, "v", 1));
	note("val8k", hdr("X-Big", 5, big, 8192));
	note("val8k1", hdr("X-Big", 5, big, 8193));
	note("status99", sandkit_resp_status(99));
	note("status1000", sandkit_resp_status(1000));
	note("status200", sandkit_resp_status(200));
	int32_t ok = 0, rc = 0;
	for (int i = 0; i < 200; i++) {
		char num[21], name[32] = "X-N-";
		const char *v = sk_utoa((uint64_t)i, num);
		rc = sk_set_header(strcat(name, v), v);
		if (rc < 0)
			break;
		ok++;
	}
	note("many_ok", ok);
	note("many_rc", rc);
	sk_set_header("Content-Type", "text/plain"); /* likely -2: over 100 */
	for (int i = 0; i < nline; i++) {
		sk_write_str(names[i]);
		sk_write_str("=");
		sk_write_i64(codes[i]);
		sk_write_str("\n");
	}
	sk_write_str("after_body_header=");
	sk_write_i64(sk_set_header("X-Late", "1"));
	sk_write_str("\nafter_body_status=");
	sk_write_i64(sk_status(201));
	return sk_write_str("\n") < 0;
}
