/* noexports.c: a reactor (it has _initialize and memory) with none of the
 * sandkit exports and no _start: the host must refuse it at load with an
 * error naming the missing export (sandkit_handle), spec §1. */
#include <stdint.h>

__attribute__((export_name("add"))) int32_t add(int32_t a, int32_t b) {
	return a + b;
}
