build-t/tests/unit/test_codec.o: tests/unit/test_codec.c crdt/codec.h \
 tests/testlib.h crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h \
 crdt/crypto.h crdt/change.h crdt/crypto.h crdt/err.h crdt/replica.h \
 crdt/apply.h crdt/schema.h crdt/store.h
crdt/codec.h:
tests/testlib.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/change.h:
crdt/crypto.h:
crdt/err.h:
crdt/replica.h:
crdt/apply.h:
crdt/schema.h:
crdt/store.h:
