build-t/tests/unit/test_apply.o: tests/unit/test_apply.c crdt/bundle.h \
 crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h \
 crdt/crypto.h crdt/query.h crdt/rules.h crdt/schema.h tests/testlib.h \
 crdt/apply.h crdt/change.h crdt/crypto.h crdt/err.h crdt/replica.h \
 crdt/schema.h crdt/store.h
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/query.h:
crdt/rules.h:
crdt/schema.h:
tests/testlib.h:
crdt/apply.h:
crdt/change.h:
crdt/crypto.h:
crdt/err.h:
crdt/replica.h:
crdt/schema.h:
crdt/store.h:
