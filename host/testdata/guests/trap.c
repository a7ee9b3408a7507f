/* trap.c: path ending in /trap -> writes "partial" then traps (unreachable):
 * the client must get a clean 500 without "partial", the instance discarded.
 * Any other path -> 200 "alive". */
#include "sandkit.h"

int sk_serve(const sk_request *req) {
	if (sk_str_has_suffix(req->path, "/trap")) {
		sk_write_str("partial");
		__builtin_trap();
	}
	return sk_write_str("alive") < 0;
}
