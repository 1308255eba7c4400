build-t/tests/integration/hostile.o: tests/integration/hostile.c \
 crdt/bundle.h crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h \
 crdt/codec.h crdt/crypto.h crdt/err.h crdt/schema.h net/frame.h \
 crdt/codec.h crdt/crypto.h net/proto.h net/recon.h net/shs.h \
 peer/daemon.h crdt/replica.h net/session.h peer/keystore.h
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/err.h:
crdt/schema.h:
net/frame.h:
crdt/codec.h:
crdt/crypto.h:
net/proto.h:
net/recon.h:
net/shs.h:
peer/daemon.h:
crdt/replica.h:
net/session.h:
peer/keystore.h:
