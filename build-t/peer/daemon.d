build-t/peer/daemon.o: peer/daemon.c crdt/err.h crdt/log.h peer/daemon.h \
 crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h \
 crdt/crypto.h net/session.h peer/keystore.h crdt/crypto.h net/mdns.h \
 peer/peers.h crdt/query.h crdt/store.h
crdt/err.h:
crdt/log.h:
peer/daemon.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
net/session.h:
peer/keystore.h:
crdt/crypto.h:
net/mdns.h:
peer/peers.h:
crdt/query.h:
crdt/store.h:
