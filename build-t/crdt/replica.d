build-t/crdt/replica.o: crdt/replica.c crdt/err.h crdt/replica.h \
 crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h crdt/crypto.h
crdt/err.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
