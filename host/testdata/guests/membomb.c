/* membomb.c: exhausts memory to make the host's page limit observable.
 *   path ending in /malloc -> mallocs 1 MiB chunks, memset each, until malloc
 *                             returns NULL; 200, body: the chunk count (decimal,
 *                             63 under the default limit: malloc has overhead)
 *   path ending in /trap   -> grows memory one page at a time until
 *                             memory.grow fails, then traps (unreachable):
 *                             the host must say it ran out of memory
 *   any other path         -> memory.grow by 16 pages (then by 1) and touches
 *                             every 4 KiB until grow fails; 200, body:
 *                             memory.size in pages (decimal), header X-Grown:
 *                             pages grown
 * With the default limit (1024 pages) the body of / is "1024". */
#include "sandkit.h"

#include <stdlib.h>
#include <string.h>

/* The chunks stay reachable, so the compiler cannot drop the mallocs. */
static void *volatile chunks;

int sk_serve(const sk_request *req) {
	if (sk_str_has_suffix(req->path, "/malloc")) {
		uint64_t n = 0;
		for (void **p; (p = malloc(1 << 20)) != NULL; n++) {
			memset(p, 0xAB, 1 << 20);
			*p = chunks;
			chunks = p;
		}
		return sk_write_u64(n) < 0;
	}
	if (sk_str_has_suffix(req->path, "/trap")) {
		while (__builtin_wasm_memory_grow(0, 1) != (size_t)-1)
			;
		__builtin_trap();
	}
	size_t grown = 0;
	for (size_t step = 16; step > 0;) {
		size_t old = __builtin_wasm_memory_grow(0, step);
		if (old == (size_t)-1) {
			step /= 16; /* then one page at a time, to reach the limit exactly */
			continue;
		}
		grown += step;
		volatile char *p = (volatile char *)(old * 65536);
		for (size_t off = 0; off < step * 65536; off += 4096)
			p[off] = 1;
	}
	char h[21];
	sk_set_header("X-Grown", sk_utoa(grown, h));
	return sk_write_u64(__builtin_wasm_memory_size(0)) < 0;
}
