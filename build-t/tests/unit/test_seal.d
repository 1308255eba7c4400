build-t/tests/unit/test_seal.o: tests/unit/test_seal.c crdt/seal.h \
 crdt/change.h crdt/codec.h crdt/crypto.h crdt/replica.h crdt/apply.h \
 crdt/store.h tests/testlib.h crdt/apply.h crdt/change.h crdt/crypto.h \
 crdt/err.h crdt/replica.h crdt/schema.h crdt/store.h
crdt/seal.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
tests/testlib.h:
crdt/apply.h:
crdt/change.h:
crdt/crypto.h:
crdt/err.h:
crdt/replica.h:
crdt/schema.h:
crdt/store.h:
