/* spin.c: path ending in /spin -> writes "partial" then loops forever: the
 * host must stop it at the deadline (504) and discard the instance.
 * Any other path -> 200 "alive". */
#include "sandkit.h"

int sk_serve(const sk_request *req) {
	if (sk_str_has_suffix(req->path, "/spin")) {
		volatile unsigned n = 0;
		sk_write_str("partial");
		for (;;)
			n++;
	}
	return sk_write_str("alive") < 0;
}
