build-t/crdt/store.o: crdt/store.c crdt/err.h crdt/rules.h crdt/change.h \
 crdt/codec.h crdt/crypto.h crdt/schema.h crdt/store.h
crdt/err.h:
crdt/rules.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/schema.h:
crdt/store.h:
