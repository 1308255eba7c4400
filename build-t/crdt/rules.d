build-t/crdt/rules.o: crdt/rules.c crdt/rules.h crdt/change.h \
 crdt/codec.h crdt/crypto.h crdt/schema.h
crdt/rules.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/schema.h:
