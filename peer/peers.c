#include "crdt/peers.h"
#include "peers.h"

int peer_db_seen(struct crdt_store *s, const char *addr, const uint8_t *node,
		 const char *how, int64_t now)
{
	return crdt_peers_seen(s, addr, node, how, now);
}

int peer_db_result(struct crdt_store *s, const char *addr, const uint8_t *node,
		   uint64_t sent, uint64_t received, const char *err,
		   int64_t now)
{
	return crdt_peers_result(s, addr, node, sent, received, err, now);
}

int peer_db_list(struct crdt_store *s, crdt_row_fn fn, void *ctx)
{
	return crdt_peers_list(s, fn, ctx);
}
