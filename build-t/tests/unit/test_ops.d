build-t/tests/unit/test_ops.o: tests/unit/test_ops.c crdt/community.h \
 crdt/bundle.h crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h \
 crdt/codec.h crdt/crypto.h crdt/facts.h crdt/query.h crdt/ops.h \
 crdt/query.h tests/testlib.h crdt/apply.h crdt/change.h crdt/crypto.h \
 crdt/err.h crdt/replica.h crdt/schema.h crdt/store.h
crdt/community.h:
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/facts.h:
crdt/query.h:
crdt/ops.h:
crdt/query.h:
tests/testlib.h:
crdt/apply.h:
crdt/change.h:
crdt/crypto.h:
crdt/err.h:
crdt/replica.h:
crdt/schema.h:
crdt/store.h:
