build-t/tests/testlib.o: tests/testlib.c crdt/query.h crdt/store.h \
 crdt/change.h crdt/codec.h crdt/crypto.h tests/testlib.h crdt/apply.h \
 crdt/change.h crdt/crypto.h crdt/err.h crdt/replica.h crdt/apply.h \
 crdt/schema.h crdt/store.h
crdt/query.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
tests/testlib.h:
crdt/apply.h:
crdt/change.h:
crdt/crypto.h:
crdt/err.h:
crdt/replica.h:
crdt/apply.h:
crdt/schema.h:
crdt/store.h:
