build-t/crdt/crypto.o: crdt/crypto.c crdt/crypto.h crdt/err.h
crdt/crypto.h:
crdt/err.h:
