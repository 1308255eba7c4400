build-t/crdt/apply.o: crdt/apply.c crdt/apply.h crdt/store.h \
 crdt/change.h crdt/codec.h crdt/crypto.h crdt/err.h crdt/schema.h
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/err.h:
crdt/schema.h:
