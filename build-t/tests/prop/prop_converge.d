build-t/tests/prop/prop_converge.o: tests/prop/prop_converge.c \
 crdt/bundle.h crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h \
 crdt/codec.h crdt/crypto.h crdt/err.h crdt/query.h crdt/replica.h \
 crdt/schema.h
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/err.h:
crdt/query.h:
crdt/replica.h:
crdt/schema.h:
