build-t/crdt/facts.o: crdt/facts.c crdt/err.h crdt/facts.h crdt/crypto.h \
 crdt/store.h crdt/change.h crdt/codec.h crdt/rules.h crdt/schema.h
crdt/err.h:
crdt/facts.h:
crdt/crypto.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/rules.h:
crdt/schema.h:
