build-t/tests/unit/test_recon.o: tests/unit/test_recon.c crdt/codec.h \
 crdt/crypto.h crdt/err.h net/frame.h net/proto.h net/recon.h \
 crdt/bundle.h crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h \
 crdt/codec.h crdt/crypto.h tests/testlib.h crdt/apply.h crdt/change.h \
 crdt/replica.h crdt/schema.h crdt/store.h
crdt/codec.h:
crdt/crypto.h:
crdt/err.h:
net/frame.h:
net/proto.h:
net/recon.h:
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
tests/testlib.h:
crdt/apply.h:
crdt/change.h:
crdt/replica.h:
crdt/schema.h:
crdt/store.h:
