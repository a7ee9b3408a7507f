/* handler.c: the hello-c example's route, a sandkit reactor written in C.
 *
 *   GET  /c?name=Ada%20L  -> 200 "Hello, Ada L! (route c)\n"   (name defaults to "world")
 *   POST /c               -> 200, the request body echoed with its Content-Type
 *   anything else         -> 405 with Allow: GET, POST
 */
#include "sandkit.h"

#include <string.h>

static char buf[4096];

static int greet(const sk_request *req) {
	char name[256];
	int32_t n = sk_query_get(req->query, "name", name, sizeof name);
	if (n <= 0)
		n = (int32_t)strlen(strcpy(name, "world"));
	sk_set_header("Content-Type", "text/plain; charset=utf-8");
	sk_write_str("Hello, ");
	sk_write(name, (size_t)n);
	sk_write_str("! (route ");
	sk_write_s(req->route);
	return sk_write_str(")\n") < 0;
}

static int echo(const sk_request *req) {
	int32_t n = sk_body_read(buf, sizeof buf);
	if (n < 0) { /* SK_ETOOLARGE: nothing written yet, so say so */
		sk_status(413);
		return sk_write_str("body too large\n") < 0;
	}
	sk_str ct;
	if (sk_header(req, "Content-Type", &ct))
		sandkit_resp_header("Content-Type", 12, ct.ptr, (int32_t)ct.len);
	else
		sk_set_header("Content-Type", "application/octet-stream");
	for (; n > 0; n = sk_body_read(buf, sizeof buf))
		if (sk_write(buf, (size_t)n) < 0)
			return 1;
	return n < 0; /* a body past the limit after we started: fail, 500 */
}

int sk_serve(const sk_request *req) {
	if (sk_str_eq(req->method, "GET") || sk_str_eq(req->method, "HEAD"))
		return greet(req);
	if (sk_str_eq(req->method, "POST"))
		return echo(req);
	sk_status(405);
	sk_set_header("Allow", "GET, POST");
	return sk_write_str("method not allowed\n") < 0;
}
