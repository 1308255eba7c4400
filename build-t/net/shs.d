build-t/net/shs.o: net/shs.c crdt/err.h net/shs.h crdt/crypto.h
crdt/err.h:
net/shs.h:
crdt/crypto.h:
