build-t/net/frame.o: net/frame.c crdt/err.h net/frame.h crdt/codec.h \
 crdt/crypto.h
crdt/err.h:
net/frame.h:
crdt/codec.h:
crdt/crypto.h:
