/* log.c: logging.
 *   any path -> log records "debug record" (-4), "info record" (0),
 *               "warn record" (4), "error record" (8), then one 20 KiB record
 *               "big:" + "0123456789" repeated (the host cuts it to 16 KiB);
 *               200 "logged"
 *   /stdio   -> also writes "stdout line\n" to stdout and "stderr line\n" to
 *               stderr (WASI): a reactor's output goes to the host log
 *   /oddlevel -> also logs "odd level" at levels 2 and 100 (not in spec §5) */
#include "sandkit.h"

#include <stdio.h>
#include <string.h>

static char big[20 * 1024];

int sk_serve(const sk_request *req) {
	sk_log(SK_DEBUG, "debug record");
	sk_log(SK_INFO, "info record");
	sk_log(SK_WARN, "warn record");
	sk_log(SK_ERROR, "error record");
	memcpy(big, "big:", 4);
	for (size_t i = 4; i < sizeof big; i++)
		big[i] = (char)('0' + (i - 4) % 10);
	sandkit_log(SK_INFO, big, sizeof big);
	if (sk_str_has_suffix(req->path, "/stdio")) {
		fputs("stdout line\n", stdout);
		fputs("stderr line\n", stderr);
		fflush(stdout);
	}
	if (sk_str_has_suffix(req->path, "/oddlevel")) {
		sk_log(2, "odd level");
		sk_log(100, "odd level");
	}
	return sk_write_str("logged") < 0;
}
