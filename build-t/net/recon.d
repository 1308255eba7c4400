build-t/net/recon.o: net/recon.c crdt/crypto.h crdt/err.h net/proto.h \
 net/recon.h crdt/bundle.h crdt/replica.h crdt/apply.h crdt/store.h \
 crdt/change.h crdt/codec.h crdt/crypto.h crdt/codec.h
crdt/crypto.h:
crdt/err.h:
net/proto.h:
net/recon.h:
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/codec.h:
