/* ok.c: a well-behaved reactor, for pools and hot swap.
 *   any request      -> 200 "ok", headers X-Guest: ok and X-Version: VERSION
 *   any ?v (e.g. ?v=1) -> 200 "v<VERSION>" (ok_v1.wasm says "v1", ok_v2.wasm "v2")
 * Built as ok.wasm (VERSION 0), ok_v1.wasm (-DVERSION=1), ok_v2.wasm (-DVERSION=2). */
#include "sandkit.h"

#ifndef VERSION
#define VERSION 0
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

int sk_serve(const sk_request *req) {
	char v[16];
	sk_set_header("X-Guest", "ok");
	sk_set_header("X-Version", STR(VERSION));
	sk_set_header("Content-Type", "text/plain");
	if (sk_query_get(req->query, "v", v, sizeof v) >= 0)
		return sk_write_str("v" STR(VERSION)) < 0;
	return sk_write_str("ok") < 0;
}
