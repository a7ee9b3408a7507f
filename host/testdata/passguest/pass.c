/* pass.c: a C guest of the password imports, written from spec/abi.md §5
 * ("Passwords") alone, that also calls them as a hostile guest would. Built
 * by TestCGuestPassword with host/internal/cguest and the C SDK.
 *
 * GET  /pw?op=hash&pw=P        hash P, verify P and P+"x" against the hash
 * POST /pw?op=verify&pw=P      verify P against the stored hash in the body
 * GET  /pw?op=params           the prefix of new hashes
 * GET  /pw?op=long             hash and verify a password of 1025 bytes
 * GET  /pw?op=badptr|neglen|hugelen|badpwptr   ranges outside memory (trap)
 * Each writes "label: result" lines. */
#include "sandkit.h"

#include <stdint.h>
#include <string.h>

static char res[512];
static char pw[1100];
static char stored[4096];

static void line(const char *label, int64_t n) {
	sk_write_str(label);
	sk_write_str(": ");
	sk_write_i64(n);
	sk_write_str("\n");
}

/* fetch copies a result of n bytes out of the slot and writes it. */
static void fetch(const char *label, int32_t n) {
	if (n < 0 || n > (int32_t)sizeof res) { line(label, n); return; }
	if (sandkit_result_read(res, n) != n) { sk_write_str("short read\n"); return; }
	sk_write_str(label);
	sk_write_str(": ");
	sk_write(res, (size_t)n);
	sk_write_str("\n");
}

int sk_serve(const sk_request *req) {
	char op[16];
	if (sk_query_get(req->query, "op", op, sizeof op) < 0) return 1;
	int32_t pl = sk_query_get(req->query, "pw", pw, sizeof pw);
	if (pl < 0) pl = 0;
	if (strcmp(op, "hash") == 0) {
		int32_t n = sandkit_password_hash(pw, pl);
		fetch("hash", n);
		if (n <= 0) return 0;
		char h[512];
		memcpy(h, res, (size_t)n);
		line("verify right", sandkit_password_verify(h, n, pw, pl));
		pw[pl] = 'x';
		line("verify wrong", sandkit_password_verify(h, n, pw, pl + 1));
		return 0;
	}
	if (strcmp(op, "verify") == 0) {
		int32_t hl = 0, got;
		while ((got = sk_body_read(stored + hl, (int32_t)sizeof stored - hl)) > 0) hl += got;
		line("verify", sandkit_password_verify(stored, hl, pw, pl));
		return 0;
	}
	if (strcmp(op, "params") == 0) {
		fetch("params", sandkit_password_params());
		return 0;
	}
	if (strcmp(op, "long") == 0) {
		memset(pw, 'a', 1025);
		line("hash 1024", sandkit_password_hash(pw, 1024) > 0);
		line("hash 1025", sandkit_password_hash(pw, 1025));
		const char *h = "$2a$04$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234";
		line("verify 1025", sandkit_password_verify(h, (int32_t)strlen(h), pw, 1025));
		return 0;
	}
	/* Ranges a well-behaved guest never passes: each must trap. */
	sk_write_str("not trapped\n");
	if (strcmp(op, "badptr") == 0) sandkit_password_verify((const void *)0xfffffff0u, 64, pw, 1);
	if (strcmp(op, "neglen") == 0) sandkit_password_hash(pw, -1);
	if (strcmp(op, "hugelen") == 0) sandkit_password_hash(pw, 0x7fffffff);
	if (strcmp(op, "badpwptr") == 0) sandkit_password_verify(stored, 10, (const void *)0xffffff00u, 0x1000);
	return 0;
}
