build-t/crdt/codec.o: crdt/codec.c crdt/codec.h crdt/err.h
crdt/codec.h:
crdt/err.h:
