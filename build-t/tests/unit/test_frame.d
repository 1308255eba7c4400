build-t/tests/unit/test_frame.o: tests/unit/test_frame.c crdt/codec.h \
 crdt/crypto.h crdt/err.h net/frame.h net/shs.h tests/testlib.h \
 crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h crdt/crypto.h \
 crdt/change.h crdt/replica.h crdt/apply.h crdt/schema.h crdt/store.h
crdt/codec.h:
crdt/crypto.h:
crdt/err.h:
net/frame.h:
net/shs.h:
tests/testlib.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/change.h:
crdt/replica.h:
crdt/apply.h:
crdt/schema.h:
crdt/store.h:
