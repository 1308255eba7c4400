build-t/tests/integration/mkchanges.o: tests/integration/mkchanges.c \
 crdt/err.h crdt/schema.h peer/keystore.h crdt/crypto.h crdt/replica.h \
 crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h crdt/crypto.h
crdt/err.h:
crdt/schema.h:
peer/keystore.h:
crdt/crypto.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
