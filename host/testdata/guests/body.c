/* body.c: streams the request body with body_read in 1000-byte chunks.
 *   -> 200 "len=<bytes> sum=<sum of bytes mod 2^32>\n" (decimal), header
 *      X-Chunks: number of body_read calls that returned > 0
 *   body_read < 0 (-2 past limits.body_bytes) -> 413 "rc=<code>\n" */
#include "sandkit.h"

int sk_serve(const sk_request *req) {
	(void)req;
	static unsigned char buf[1000];
	uint64_t len = 0, chunks = 0;
	uint32_t sum = 0;
	int32_t n;
	while ((n = sandkit_body_read(buf, sizeof buf)) > 0) {
		chunks++;
		len += (uint64_t)n;
		for (int32_t i = 0; i < n; i++)
			sum += buf[i];
	}
	if (n < 0) {
		sk_status(413);
		sk_write_str("rc=");
		sk_write_i64(n);
		return sk_write_str("\n") < 0;
	}
	char h[21];
	sk_set_header("X-Chunks", sk_utoa(chunks, h));
	sk_write_str("len=");
	sk_write_u64(len);
	sk_write_str(" sum=");
	sk_write_u64(sum);
	return sk_write_str("\n") < 0;
}
