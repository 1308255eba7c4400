build-t/cli/net.o: cli/net.c cli/cli.h crdt/community.h crdt/bundle.h \
 crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h \
 crdt/crypto.h crdt/facts.h crdt/query.h crdt/query.h crdt/replica.h \
 peer/keystore.h crdt/crypto.h crdt/err.h crdt/log.h peer/daemon.h \
 net/session.h peer/peers.h crdt/store.h
cli/cli.h:
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
crdt/query.h:
crdt/replica.h:
peer/keystore.h:
crdt/crypto.h:
crdt/err.h:
crdt/log.h:
peer/daemon.h:
net/session.h:
peer/peers.h:
crdt/store.h:
