/* huge.c: writes past limits.response_bytes.
 *   any path          -> resp_write of 64 KiB chunks until one returns < 0, then
 *                        returns 0: the host must answer 500 anyway (spec §5).
 *   path ending /ignore -> 10000 writes of 64 KiB (625 MiB), ignoring errors,
 *                        then returns 0: still a 500, and host memory must not
 *                        grow with what the guest tries to write.
 * Header X-Writes is never seen; the body is never sent. */
#include "sandkit.h"

#include <string.h>

static char chunk[64 * 1024];

int sk_serve(const sk_request *req) {
	memset(chunk, 'x', sizeof chunk);
	if (sk_str_has_suffix(req->path, "/ignore")) {
		for (int i = 0; i < 10000; i++)
			sandkit_resp_write(chunk, sizeof chunk);
		return 0;
	}
	while (sandkit_resp_write(chunk, sizeof chunk) >= 0) {
	}
	return 0;
}
