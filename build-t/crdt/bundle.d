build-t/crdt/bundle.o: crdt/bundle.c crdt/bundle.h crdt/replica.h \
 crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h crdt/crypto.h \
 crdt/community.h crdt/facts.h crdt/query.h crdt/err.h
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/community.h:
crdt/facts.h:
crdt/query.h:
crdt/err.h:
