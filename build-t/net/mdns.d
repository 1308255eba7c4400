build-t/net/mdns.o: net/mdns.c crdt/err.h crdt/log.h net/mdns.h \
 net/proto.h
crdt/err.h:
crdt/log.h:
net/mdns.h:
net/proto.h:
