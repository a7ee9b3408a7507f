/* work.c: a CPU-bound but finite handler, for the scheduler's
 * measurements: ?n=N (default 1000) runs N thousand iterations of a loop
 * (about 1 ms per 1000 on a 2020s core, uninstrumented), then answers
 * 200 "done". */
#include "sandkit.h"

int sk_serve(const sk_request *req) {
	char v[16];
	unsigned n = 1000;
	if (sk_query_get(req->query, "n", v, sizeof v) >= 0) {
		n = 0;
		for (const char *p = v; *p >= '0' && *p <= '9' && n < 1000000; p++)
			n = n * 10 + (unsigned)(*p - '0');
	}
	volatile unsigned x = 0;
	for (unsigned i = 0; i < n * 1000u; i++)
		x += i;
	return sk_write_str(x == 1 ? "one" : "done") < 0; /* x read: the loop stays */
}
