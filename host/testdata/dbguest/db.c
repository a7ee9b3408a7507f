/* db.c: a C guest of the database imports, written from spec/abi.md §9
 * alone (the imports are declared here, not in the C SDK). Built by
 * TestCGuestDatabase with host/internal/cguest and the C SDK's sandkit.c.
 *
 * GET /cdb runs a fixed script and writes one line per step. */
#include "sandkit.h"

#include <stdint.h>
#include <string.h>

SANDKIT_IMPORT("db_query")
int32_t db_query(const void *sql, int32_t sql_len, const void *args, int32_t args_len);
SANDKIT_IMPORT("db_exec")
int32_t db_exec(const void *sql, int32_t sql_len, const void *args, int32_t args_len);
SANDKIT_IMPORT("db_begin") int32_t db_begin(int32_t flags);
SANDKIT_IMPORT("db_commit") int32_t db_commit(void);
SANDKIT_IMPORT("db_rollback") int32_t db_rollback(void);

static uint8_t res[1 << 16]; /* the last result, copied out of the slot */
static uint32_t res_len;

/* ---- argument encoding (§9.3) ---- */
static uint8_t args[1024];
static uint32_t nargs_off, args_len;

static void put_u32(uint8_t *p, uint32_t v) {
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static void args_begin(void) { put_u32(args, 0); args_len = 4; nargs_off = 0; }
static void args_count(void) { nargs_off++; put_u32(args, nargs_off); }
static void arg_null(void) { args[args_len++] = 0; args_count(); }
static void arg_i64(int64_t v) {
	args[args_len++] = 1;
	for (int i = 0; i < 8; i++) args[args_len++] = (uint8_t)((uint64_t)v >> (8 * i));
	args_count();
}
static void arg_f64(double d) {
	uint64_t v; memcpy(&v, &d, 8);
	args[args_len++] = 2;
	for (int i = 0; i < 8; i++) args[args_len++] = (uint8_t)(v >> (8 * i));
	args_count();
}
static void arg_bytes(uint8_t tag, const void *p, uint32_t n) {
	args[args_len++] = tag;
	put_u32(args + args_len, n); args_len += 4;
	memcpy(args + args_len, p, n); args_len += n;
	args_count();
}

/* ---- results (§9.4) ---- */
static uint32_t get_u32(const uint8_t *p) {
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get_u64(const uint8_t *p) { return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }

/* fetch copies a result of n bytes out of the slot; returns n, or -1. */
static int32_t fetch(int32_t n) {
	if (n < 0 || n > (int32_t)sizeof res) return -1;
	res_len = (uint32_t)n;
	return n == 0 ? 0 : (sandkit_result_read(res, n) == n ? n : -1);
}

/* report writes "label: " and a description of the result. */
static void report(const char *label, int32_t n) {
	sk_write_str(label);
	sk_write_str(": ");
	if (n < 0) { sk_write_str("import returned "); sk_write_i64(n); sk_write_str("\n"); return; }
	if (fetch(n) < 0) { sk_write_str("fetch failed\n"); return; }
	if (n == 0) { sk_write_str("ok\n"); return; }
	uint32_t off = 1;
	switch (res[0]) {
	case 2: /* exec */
		sk_write_str("exec rows_affected=");
		sk_write_i64((int64_t)get_u64(res + 1));
		sk_write_str(" last_insert_id=");
		sk_write_i64((int64_t)get_u64(res + 9));
		break;
	case 3: { /* error */
		int32_t code = (int32_t)get_u32(res + 1);
		off = 5;
		uint32_t sl = get_u32(res + off); off += 4;
		sk_write_str("error code=");
		sk_write_i64(code);
		sk_write_str(" sqlstate=");
		sk_write(res + off, sl); off += sl;
		uint32_t ml = get_u32(res + off); off += 4;
		sk_write_str(" message=");
		sk_write(res + off, ml);
		break;
	}
	case 1: { /* rows */
		uint32_t ncol = get_u32(res + off); off += 4;
		sk_write_str("columns");
		for (uint32_t c = 0; c < ncol; c++) {
			uint32_t l = get_u32(res + off); off += 4;
			sk_write_str(" ");
			sk_write(res + off, l); off += l;
			l = get_u32(res + off); off += 4;
			sk_write_str("/");
			sk_write(res + off, l); off += l;
		}
		uint32_t nrow = get_u32(res + off); off += 4;
		for (uint32_t r = 0; r < nrow; r++) {
			sk_write_str("\n  row");
			for (uint32_t c = 0; c < ncol; c++) {
				uint8_t tag = res[off++];
				sk_write_str(" ");
				switch (tag) {
				case 0: sk_write_str("NULL"); break;
				case 1: sk_write_i64((int64_t)get_u64(res + off)); off += 8; break;
				case 2: { uint64_t v = get_u64(res + off); double d; memcpy(&d, &v, 8); off += 8;
					sk_write_str("f:"); sk_write_i64((int64_t)(d * 100)); sk_write_str("/100"); break; }
				case 3: case 4: { uint32_t l = get_u32(res + off); off += 4;
					sk_write_str(tag == 3 ? "'" : "x'");
					if (tag == 3) sk_write(res + off, l);
					else for (uint32_t i = 0; i < l; i++) { char h[3] = {"0123456789abcdef"[res[off + i] >> 4], "0123456789abcdef"[res[off + i] & 15], 0}; sk_write_str(h); }
					sk_write_str("'"); off += l; break; }
				case 6: sk_write_str("time:"); sk_write_i64((int64_t)get_u64(res + off) / 1000000000); off += 8; break;
				default: sk_write_str("?"); break;
				}
			}
		}
		break;
	}
	default:
		sk_write_str("unknown result kind");
	}
	sk_write_str("\n");
}

#define SQL(s) s, (int32_t)(sizeof s - 1)
static const uint8_t no_args[4] = {0, 0, 0, 0};

int sk_serve(const sk_request *req) {
	(void)req;
	sk_set_header("Content-Type", "text/plain; charset=utf-8");
	report("create", db_exec(SQL("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v INTEGER, f REAL, b BLOB, n TEXT, t TIMESTAMP)"), no_args, 4));

	args_begin();
	arg_bytes(3, "a", 1);
	arg_i64(-42);
	arg_f64(1.5);
	arg_bytes(4, "\x00\xff", 2);
	arg_null();
	args[args_len++] = 6; /* time: 2001-09-09T01:46:40Z */
	for (int i = 0; i < 8; i++) args[args_len++] = (uint8_t)((uint64_t)1000000000000000000ULL >> (8 * i));
	args_count();
	report("insert", db_exec(SQL("INSERT INTO kv VALUES (?, ?, ?, ?, ?, ?)"), args, (int32_t)args_len));
	report("duplicate", db_exec(SQL("INSERT INTO kv VALUES (?, ?, ?, ?, ?, ?)"), args, (int32_t)args_len));

	report("begin", db_begin(0));
	args_begin();
	arg_bytes(3, "b", 1);
	report("insert in tx", db_exec(SQL("INSERT INTO kv (k, v) VALUES (?, 1)"), args, (int32_t)args_len));
	report("rollback", db_rollback());
	report("commit without tx", db_commit());
	report("select", db_query(SQL("SELECT k, v, f, b, n, t, v + 1 AS next FROM kv ORDER BY k"), no_args, 4));
	report("attach", db_exec(SQL("ATTACH 'x.db' AS x"), no_args, 4));
	report("bad flags", db_begin(2));
	static const uint8_t bad_args[5] = {1, 0, 0, 0, 9}; /* unknown tag */
	report("bad args", db_query(SQL("SELECT ?"), bad_args, 5));
	return 0;
}
