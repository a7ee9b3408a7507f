/* env.c: looks up the app's [env] value named by the query k=KEY.
 *   set      -> 200, body: the value (whole, any length)
 *   unset    -> 404 "unset" (env_get returned -1)
 *   no k=    -> 400 "missing k"
 *   other rc -> 400 "rc=<code>" (e.g. a key over 256 bytes: -3 expected)
 * Host environment variables must never be visible (e.g. k=PATH, k=HOME).
 * g=KEY reads KEY with getenv instead (the instance's WASI environment):
 *   set      -> 200, body: the value; unset -> 404 "unset"
 * init=1 answers what getenv("SANDKIT_DATABASE_ENGINE") returned while the
 * instance initialised (in a constructor, before any request), or 404. */
#include "sandkit.h"

#include <stdlib.h>

static const char *engine_at_init;

__attribute__((constructor)) static void read_engine(void) {
	engine_at_init = getenv("SANDKIT_DATABASE_ENGINE");
}

static int answer(const char *v) {
	if (v == NULL) {
		sk_status(404);
		return sk_write_str("unset") < 0;
	}
	return sk_write_str(v) < 0;
}

int sk_serve(const sk_request *req) {
	static char key[1024];
	if (sk_query_get(req->query, "init", key, sizeof key) >= 0)
		return answer(engine_at_init);
	if (sk_query_get(req->query, "g", key, sizeof key) >= 0)
		return answer(getenv(key));
	int32_t kl = sk_query_get(req->query, "k", key, sizeof key);
	if (kl < 0) {
		sk_status(400);
		return sk_write_str("missing k") < 0;
	}
	int32_t n = sandkit_env_get(key, kl);
	if (n == SK_ENOTFOUND) {
		sk_status(404);
		return sk_write_str("unset") < 0;
	}
	if (n < 0) {
		sk_status(400);
		sk_write_str("rc=");
		return sk_write_i64(n) < 0;
	}
	char *v = malloc(n ? (size_t)n : 1);
	if (v == NULL || sandkit_result_read(v, n) != n)
		return 1;
	int32_t rc = sandkit_resp_write(v, n);
	free(v);
	return rc < 0;
}
