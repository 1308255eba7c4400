#include <string.h>

#include "err.h"

const char *kith_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
#define KITH_ERR_CASE(name, msg)                                              \
	case KITH_E##name:                                                    \
		return msg;
		KITH_ERRNO_MAP(KITH_ERR_CASE)
#undef KITH_ERR_CASE
	default:
		break;
	}
	if (err == -4095) /* libuv's UV_EOF */
		return "connection closed by the peer";
	if (err < 0 && err > KITH_EBASE)
		return strerror(-err);
	return "unknown error";
}
