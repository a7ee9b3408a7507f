/* badversion.c: a reactor whose sandkit_abi_version returns 999: the host
 * must refuse the instance (spec §8), never call sandkit_handle, and answer
 * the route with an error. Written without the SDK. */
#include <stdint.h>

__attribute__((export_name("sandkit_abi_version"))) int32_t abi_version(void) {
	return 999;
}

__attribute__((export_name("sandkit_alloc"))) int32_t alloc(int32_t size) {
	(void)size;
	return 0;
}

__attribute__((export_name("sandkit_handle"))) int32_t handle(int32_t head_len) {
	(void)head_len;
	return 0;
}
