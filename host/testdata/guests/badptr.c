/* badptr.c: host calls with pointers or lengths outside memory. Each of these
 * paths (by suffix) must trap in the host: 500, instance discarded, host fine.
 *   /write  resp_write(0xFFFFFFF0, 64)         /neg    resp_write(buf, -1)
 *   /read   result_read(0xFFFFFFF0, 64)        /wrap   resp_write(0xFFFFFFFF, 2)
 *   /end    resp_write(memory end - 10, 64)    /header resp_header(0xFFFFFFF0, 4, ...)
 *   /log    log(0, 0xFFFFFFF0, 64)             /env    env_get(0xFFFFFFF0, 4)
 *   /body   body_read(0xFFFFFFF0, 64)
 * /edge calls resp_write(memory end, 0): a zero-length range at the very end,
 * which lies inside memory, so it must NOT trap -> 200 "edge".
 * Any other path -> 200 "alive". A trap-free return from a bad call -> 200
 * "no trap: <name> rc=<rc>" so a host that fails to trap is visible. */
#include "sandkit.h"

#define BAD ((void *)0xFFFFFFF0u)

static char buf[64];

static int no_trap(const char *name, int32_t rc) {
	sk_write_str("no trap: ");
	sk_write_str(name);
	sk_write_str(" rc=");
	return sk_write_i64(rc) < 0;
}

int sk_serve(const sk_request *req) {
	sk_str p = req->path;
	char *end = (char *)(__builtin_wasm_memory_size(0) * 65536);
	if (sk_str_has_suffix(p, "/write"))
		return no_trap("write", sandkit_resp_write(BAD, 64));
	if (sk_str_has_suffix(p, "/neg"))
		return no_trap("neg", sandkit_resp_write(buf, -1));
	if (sk_str_has_suffix(p, "/read"))
		return no_trap("read", sandkit_result_read(BAD, 64));
	if (sk_str_has_suffix(p, "/wrap"))
		return no_trap("wrap", sandkit_resp_write((void *)0xFFFFFFFFu, 2));
	if (sk_str_has_suffix(p, "/end"))
		return no_trap("end", sandkit_resp_write(end - 10, 64));
	if (sk_str_has_suffix(p, "/header"))
		return no_trap("header", sandkit_resp_header(BAD, 4, "v", 1));
	if (sk_str_has_suffix(p, "/log")) {
		sandkit_log(SK_INFO, BAD, 64);
		return no_trap("log", 0);
	}
	if (sk_str_has_suffix(p, "/env"))
		return no_trap("env", sandkit_env_get(BAD, 4));
	if (sk_str_has_suffix(p, "/body"))
		return no_trap("body", sandkit_body_read(BAD, 64));
	if (sk_str_has_suffix(p, "/edge")) {
		int32_t rc = sandkit_resp_write(end, 0);
		return rc != 0 ? no_trap("edge", rc) : sk_write_str("edge") < 0;
	}
	return sk_write_str("alive") < 0;
}
