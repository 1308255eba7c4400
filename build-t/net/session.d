build-t/net/session.o: net/session.c crdt/bundle.h crdt/replica.h \
 crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h crdt/crypto.h \
 crdt/community.h crdt/bundle.h crdt/facts.h crdt/query.h crdt/err.h \
 crdt/log.h net/frame.h crdt/codec.h crdt/crypto.h net/proto.h \
 net/recon.h net/session.h crdt/replica.h net/shs.h
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/community.h:
crdt/bundle.h:
crdt/facts.h:
crdt/query.h:
crdt/err.h:
crdt/log.h:
net/frame.h:
crdt/codec.h:
crdt/crypto.h:
net/proto.h:
net/recon.h:
net/session.h:
crdt/replica.h:
net/shs.h:
