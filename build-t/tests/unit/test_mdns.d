build-t/tests/unit/test_mdns.o: tests/unit/test_mdns.c crdt/log.h \
 net/mdns.h tests/testlib.h crdt/apply.h crdt/store.h crdt/change.h \
 crdt/codec.h crdt/crypto.h crdt/change.h crdt/crypto.h crdt/err.h \
 crdt/replica.h crdt/apply.h crdt/schema.h crdt/store.h
crdt/log.h:
net/mdns.h:
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
