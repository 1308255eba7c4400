build-t/peer/keystore.o: peer/keystore.c crdt/codec.h crdt/err.h \
 peer/keystore.h crdt/crypto.h crdt/replica.h crdt/apply.h crdt/store.h \
 crdt/change.h crdt/codec.h crdt/crypto.h
crdt/codec.h:
crdt/err.h:
peer/keystore.h:
crdt/crypto.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
