build-t/peer/peers.o: peer/peers.c crdt/err.h peer/peers.h crdt/query.h \
 crdt/store.h crdt/change.h crdt/codec.h crdt/crypto.h crdt/store.h
crdt/err.h:
peer/peers.h:
crdt/query.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/store.h:
