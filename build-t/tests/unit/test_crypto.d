build-t/tests/unit/test_crypto.o: tests/unit/test_crypto.c crdt/crypto.h \
 tests/testlib.h crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h \
 crdt/crypto.h crdt/change.h crdt/err.h crdt/replica.h crdt/apply.h \
 crdt/schema.h crdt/store.h
crdt/crypto.h:
tests/testlib.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/change.h:
crdt/err.h:
crdt/replica.h:
crdt/apply.h:
crdt/schema.h:
crdt/store.h:
