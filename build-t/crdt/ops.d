build-t/crdt/ops.o: crdt/ops.c crdt/err.h crdt/ops.h crdt/query.h \
 crdt/store.h crdt/change.h crdt/codec.h crdt/crypto.h crdt/query_sql.h \
 crdt/schema.h
crdt/err.h:
crdt/ops.h:
crdt/query.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/query_sql.h:
crdt/schema.h:
