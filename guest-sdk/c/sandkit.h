/* sandkit.h: a thin C SDK for sandkit route handlers, ABI version 1
 * (spec/abi.md). C99, no allocation beyond one head buffer.
 *
 * Two ways to use it:
 *   - link sandkit.c and define  int sk_serve(const sk_request *req);
 *     sandkit.c then provides the three reactor exports and decodes the
 *     request head for you;
 *   - or include only this header for the raw imports and write the exports
 *     yourself (see the SANDKIT_EXPORT macro).
 *
 * Every function returning int32_t returns a byte count or a status >= 0 on
 * success and one of the SK_E* codes (< 0) on failure, as in spec §5. */
#ifndef SANDKIT_H
#define SANDKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SANDKIT_ABI_VERSION 1

/* Error codes returned by host functions (spec §5). */
enum {
	SK_ENOTFOUND = -1,   /* the key or value does not exist */
	SK_ETOOLARGE = -2,   /* a host limit was hit */
	SK_EBADINPUT = -3,   /* an argument is out of range */
	SK_ESTATE = -4,      /* not allowed now (header after body) */
	SK_EUNEXPECTED = -5, /* host failure; give up */
};

/* Log levels, as Go's log/slog. */
enum { SK_DEBUG = -4, SK_INFO = 0, SK_WARN = 4, SK_ERROR = 8 };

/* ---- Host imports (module "sandkit", spec §5). ------------------------
 * A ptr/len pair outside guest memory, or a negative len, traps: the request
 * fails with 500 and the instance is discarded. */
#define SANDKIT_IMPORT(name) \
	__attribute__((import_module("sandkit"), import_name(name)))

SANDKIT_IMPORT("result_read") int32_t sandkit_result_read(void *ptr, int32_t len);
SANDKIT_IMPORT("body_read") int32_t sandkit_body_read(void *ptr, int32_t len);
SANDKIT_IMPORT("resp_status") int32_t sandkit_resp_status(int32_t code);
SANDKIT_IMPORT("resp_header")
int32_t sandkit_resp_header(const void *name_ptr, int32_t name_len,
                            const void *val_ptr, int32_t val_len);
SANDKIT_IMPORT("resp_write") int32_t sandkit_resp_write(const void *ptr, int32_t len);
/* The whole response in one call, all or nothing: status, headers (a list
 * as in spec §4: u32 count, then each name and value as u32 length + bytes;
 * headers_len 0 is no header) and body. Returns 0 or an SK_E* code. */
SANDKIT_IMPORT("resp_send")
int32_t sandkit_resp_send(int32_t status, const void *headers_ptr, int32_t headers_len,
                          const void *body_ptr, int32_t body_len);
SANDKIT_IMPORT("log") void sandkit_log(int32_t level, const void *ptr, int32_t len);
SANDKIT_IMPORT("env_get") int32_t sandkit_env_get(const void *key_ptr, int32_t key_len);
/* Passwords (spec §5, "Passwords"), hashed natively by the host. hash: the
 * PHC string's length (its bytes in the result slot); verify: 1 match, 0
 * not, SK_EBADINPUT malformed hash, SK_ETOOLARGE password over 1024 bytes
 * or hash parameters over the host's bounds; params: the length of the
 * prefix new hashes start with (in the result slot). */
SANDKIT_IMPORT("password_hash") int32_t sandkit_password_hash(const void *pw_ptr, int32_t pw_len);
SANDKIT_IMPORT("password_verify")
int32_t sandkit_password_verify(const void *hash_ptr, int32_t hash_len,
                                const void *pw_ptr, int32_t pw_len);
SANDKIT_IMPORT("password_params") int32_t sandkit_password_params(void);

/* ---- Reactor exports (spec §2). ----------------------------------------
 * sandkit.c defines all three; a guest that does not link it marks its own
 * definitions with SANDKIT_EXPORT("sandkit_handle") and so on. */
#define SANDKIT_EXPORT(name) __attribute__((export_name(name)))

int32_t sandkit_abi_version(void);     /* must return 1 */
int32_t sandkit_alloc(int32_t size);   /* reserved; never called in v1 */
int32_t sandkit_handle(int32_t head_len); /* 0 = response complete */

/* ---- The request head (spec §4). --------------------------------------
 * Strings point into the head buffer; they are NOT NUL-terminated and stay
 * valid until sk_serve returns. */
typedef struct {
	const char *ptr;
	uint32_t len;
} sk_str;

/* A list of (name, value) pairs, validated when the head was decoded. */
typedef struct {
	uint32_t count;
	const uint8_t *raw; /* first pair */
	uint32_t raw_len;   /* bytes of all pairs */
} sk_list;

typedef struct {
	sk_str method;
	sk_str route;  /* route id, "" for the root route */
	sk_str path;   /* percent-decoded */
	sk_str query;  /* raw, still percent-encoded, without '?' */
	sk_list params;
	sk_list headers;
	int64_t content_length; /* -1 if unknown */
	sk_str request_id;
} sk_request;

/* Decodes a head of len bytes at buf into *req. Returns 0, or -1 if the
 * bytes are truncated, have trailing garbage or a length runs past the end. */
int sk_decode_head(const void *buf, uint32_t len, sk_request *req);

/* Iterates a list: start with *off = 0; returns 1 and fills name/value, or 0
 * at the end. */
int sk_list_next(const sk_list *l, uint32_t *off, sk_str *name, sk_str *value);

/* First param named exactly name (1 found, 0 not). */
int sk_param(const sk_request *req, const char *name, sk_str *value);
/* First header whose name matches name ignoring ASCII case (1 found, 0 not). */
int sk_header(const sk_request *req, const char *name, sk_str *value);

/* Compares an sk_str with a C string. */
int sk_str_eq(sk_str s, const char *c);
int sk_str_has_suffix(sk_str s, const char *suffix);

/* Finds key in a raw query string (a=1&b=x%20y) and writes its value,
 * percent-decoded ('+' is a space) and NUL-terminated, into out (cap bytes,
 * cut to fit). Returns the bytes written before the NUL, or -1 if key is
 * absent. A key without '=' has the empty value. */
int32_t sk_query_get(sk_str query, const char *key, char *out, int32_t cap);

/* ---- Response and host helpers. ---------------------------------------- */
int32_t sk_status(int32_t code);
int32_t sk_set_header(const char *name, const char *value); /* adds one */
int32_t sk_write(const void *ptr, size_t len);
int32_t sk_write_str(const char *s);
int32_t sk_write_s(sk_str s);
int32_t sk_write_u64(uint64_t v); /* decimal */
/* Formats v in decimal, NUL-terminated, at the end of buf (>= 21 bytes);
 * returns the first digit. */
char *sk_utoa(uint64_t v, char *buf);
int32_t sk_write_i64(int64_t v);  /* decimal */

/* Reads the next body chunk (count, 0 at end, SK_ETOOLARGE past the limit). */
int32_t sk_body_read(void *buf, int32_t cap);

/* Looks up an [env] value and copies it NUL-terminated into buf (cut to
 * cap-1 bytes). Returns its full length (may be >= cap, as snprintf) or
 * SK_ENOTFOUND. */
int32_t sk_env(const char *key, char *buf, int32_t cap);

void sk_log(int32_t level, const char *msg);

/* Defined by the guest when it links sandkit.c: serve one request, return 0
 * when the response is complete (anything else is a 500). */
int sk_serve(const sk_request *req);

#ifdef __cplusplus
}
#endif
#endif /* SANDKIT_H */
