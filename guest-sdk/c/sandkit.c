/* sandkit.c: the reactor exports, the request-head decoder and small
 * response helpers of the C SDK (see sandkit.h and spec/abi.md). */
#include "sandkit.h"

#include <stdlib.h>
#include <string.h>

/* ---- Exports. ------------------------------------------------------------ */

SANDKIT_EXPORT("sandkit_abi_version")
int32_t sandkit_abi_version(void) { return SANDKIT_ABI_VERSION; }

/* sandkit_alloc memory lives until the current sandkit_handle returns. */
#define SK_MAX_ALLOCS 32
static void *sk_allocs[SK_MAX_ALLOCS];
static int sk_nallocs;

SANDKIT_EXPORT("sandkit_alloc")
int32_t sandkit_alloc(int32_t size) {
	if (size < 0 || sk_nallocs == SK_MAX_ALLOCS)
		return 0;
	void *p = malloc(size ? (size_t)size : 1);
	if (p == NULL)
		return 0;
	sk_allocs[sk_nallocs++] = p;
	return (int32_t)(uintptr_t)p;
}

/* The one head buffer, grown to the largest head seen. */
static uint8_t *sk_head;
static int32_t sk_head_cap;

SANDKIT_EXPORT("sandkit_handle")
int32_t sandkit_handle(int32_t head_len) {
	if (head_len < 0)
		return 1;
	if (head_len > sk_head_cap) {
		uint8_t *p = realloc(sk_head, (size_t)head_len);
		if (p == NULL)
			return 1;
		sk_head = p;
		sk_head_cap = head_len;
	}
	int rc = 1;
	sk_request req;
	if (sandkit_result_read(sk_head, head_len) == head_len &&
	    sk_decode_head(sk_head, (uint32_t)head_len, &req) == 0)
		rc = sk_serve(&req);
	/* Do not keep one request's data for the next (spec §2). */
	if (head_len > 0)
		memset(sk_head, 0, (size_t)head_len);
	while (sk_nallocs > 0)
		free(sk_allocs[--sk_nallocs]);
	return rc;
}

/* ---- Head decoder. -------------------------------------------------------- */

typedef struct {
	const uint8_t *p;
	uint32_t len, off;
} sk_rd;

static int rd_u32(sk_rd *r, uint32_t *v) {
	if (r->len - r->off < 4)
		return -1;
	const uint8_t *b = r->p + r->off;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	     (uint32_t)b[3] << 24;
	r->off += 4;
	return 0;
}

static int rd_str(sk_rd *r, sk_str *s) {
	uint32_t n;
	if (rd_u32(r, &n) != 0 || r->len - r->off < n)
		return -1;
	s->ptr = (const char *)r->p + r->off;
	s->len = n;
	r->off += n;
	return 0;
}

static int rd_list(sk_rd *r, sk_list *l) {
	sk_str name, value;
	if (rd_u32(r, &l->count) != 0)
		return -1;
	l->raw = r->p + r->off;
	uint32_t start = r->off;
	/* Each pair takes at least 8 bytes, so a huge count fails fast. */
	for (uint32_t i = 0; i < l->count; i++)
		if (rd_str(r, &name) != 0 || rd_str(r, &value) != 0)
			return -1;
	l->raw_len = r->off - start;
	return 0;
}

int sk_decode_head(const void *buf, uint32_t len, sk_request *req) {
	sk_rd r = {(const uint8_t *)buf, len, 0};
	uint32_t lo, hi;
	if (rd_str(&r, &req->method) || rd_str(&r, &req->route) ||
	    rd_str(&r, &req->path) || rd_str(&r, &req->query) ||
	    rd_list(&r, &req->params) || rd_list(&r, &req->headers) ||
	    rd_u32(&r, &lo) || rd_u32(&r, &hi) || rd_str(&r, &req->request_id))
		return -1;
	req->content_length = (int64_t)((uint64_t)hi << 32 | lo);
	return r.off == len ? 0 : -1;
}

int sk_list_next(const sk_list *l, uint32_t *off, sk_str *name, sk_str *value) {
	sk_rd r = {l->raw, l->raw_len, *off};
	if (*off >= l->raw_len || rd_str(&r, name) || rd_str(&r, value))
		return 0;
	*off = r.off;
	return 1;
}

int sk_str_eq(sk_str s, const char *c) {
	size_t n = strlen(c);
	return s.len == n && memcmp(s.ptr, c, n) == 0;
}

int sk_str_has_suffix(sk_str s, const char *suffix) {
	size_t n = strlen(suffix);
	return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int str_eq_fold(sk_str s, const char *c) {
	size_t n = strlen(c);
	if (s.len != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s.ptr[i]) != lower((unsigned char)c[i]))
			return 0;
	return 1;
}

int sk_param(const sk_request *req, const char *name, sk_str *value) {
	uint32_t off = 0;
	sk_str n;
	while (sk_list_next(&req->params, &off, &n, value))
		if (sk_str_eq(n, name))
			return 1;
	return 0;
}

int sk_header(const sk_request *req, const char *name, sk_str *value) {
	uint32_t off = 0;
	sk_str n;
	while (sk_list_next(&req->headers, &off, &n, value))
		if (str_eq_fold(n, name))
			return 1;
	return 0;
}

/* ---- Query strings. ------------------------------------------------------- */

static int hexval(int c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes the byte at s[*i] ('+', %XX or literal) and advances *i. */
static int pct_next(const char *s, uint32_t len, uint32_t *i) {
	int c = (unsigned char)s[*i];
	if (c == '+') {
		*i += 1;
		return ' ';
	}
	if (c == '%' && len - *i > 2) {
		int h = hexval((unsigned char)s[*i + 1]), l = hexval((unsigned char)s[*i + 2]);
		if (h >= 0 && l >= 0) {
			*i += 3;
			return h << 4 | l;
		}
	}
	*i += 1;
	return c;
}

int32_t sk_query_get(sk_str q, const char *key, char *out, int32_t cap) {
	uint32_t i = 0;
	while (i < q.len) {
		uint32_t end = i;
		while (end < q.len && q.ptr[end] != '&')
			end++;
		/* Compare the decoded key with key. */
		const char *k = key;
		while (i < end && q.ptr[i] != '=' && *k != '\0' &&
		       pct_next(q.ptr, end, &i) == (unsigned char)*k)
			k++;
		if (*k == '\0' && (i == end || q.ptr[i] == '=')) {
			if (i < end)
				i++; /* skip '=' */
			int32_t n = 0;
			while (i < end) {
				int c = pct_next(q.ptr, end, &i);
				if (n < cap - 1)
					out[n] = (char)c;
				n++;
			}
			if (cap > 0)
				out[n < cap - 1 ? n : cap - 1] = '\0';
			return n < cap - 1 ? n : (cap > 0 ? cap - 1 : 0);
		}
		i = end + 1;
	}
	return -1;
}

/* ---- Response and host helpers. ------------------------------------------- */

int32_t sk_status(int32_t code) { return sandkit_resp_status(code); }

int32_t sk_set_header(const char *name, const char *value) {
	return sandkit_resp_header(name, (int32_t)strlen(name), value,
	                           (int32_t)strlen(value));
}

int32_t sk_write(const void *ptr, size_t len) {
	if (len > INT32_MAX)
		return SK_EBADINPUT;
	return sandkit_resp_write(ptr, (int32_t)len);
}

int32_t sk_write_str(const char *s) { return sk_write(s, strlen(s)); }

int32_t sk_write_s(sk_str s) { return sk_write(s.ptr, s.len); }

char *sk_utoa(uint64_t v, char *buf) {
	char *p = buf + 20;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return p;
}

int32_t sk_write_u64(uint64_t v) {
	char buf[21];
	return sk_write_str(sk_utoa(v, buf));
}

int32_t sk_write_i64(int64_t v) {
	if (v >= 0)
		return sk_write_u64((uint64_t)v);
	int32_t rc = sk_write("-", 1);
	return rc < 0 ? rc : sk_write_u64(-(uint64_t)v);
}

int32_t sk_body_read(void *buf, int32_t cap) { return sandkit_body_read(buf, cap); }

int32_t sk_env(const char *key, char *buf, int32_t cap) {
	int32_t n = sandkit_env_get(key, (int32_t)strlen(key));
	if (n < 0 || cap <= 0)
		return n;
	int32_t want = n < cap - 1 ? n : cap - 1;
	int32_t got = sandkit_result_read(buf, want);
	if (got < 0)
		return got;
	buf[got] = '\0';
	return n;
}

void sk_log(int32_t level, const char *msg) {
	sandkit_log(level, msg, (int32_t)strlen(msg));
}
