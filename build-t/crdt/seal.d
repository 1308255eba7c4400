build-t/crdt/seal.o: crdt/seal.c crdt/codec.h crdt/err.h crdt/seal.h \
 crdt/change.h crdt/crypto.h crdt/replica.h crdt/apply.h crdt/store.h
crdt/codec.h:
crdt/err.h:
crdt/seal.h:
crdt/change.h:
crdt/crypto.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
