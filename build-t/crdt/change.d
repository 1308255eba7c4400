build-t/crdt/change.o: crdt/change.c crdt/change.h crdt/codec.h \
 crdt/crypto.h crdt/err.h crdt/schema.h
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/err.h:
crdt/schema.h:
