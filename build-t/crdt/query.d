build-t/crdt/query.o: crdt/query.c crdt/err.h crdt/query.h crdt/store.h \
 crdt/change.h crdt/codec.h crdt/crypto.h crdt/query_sql.h crdt/schema.h
crdt/err.h:
crdt/query.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/query_sql.h:
crdt/schema.h:
