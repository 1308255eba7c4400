build-t/tests/netns/mdns_probe.o: tests/netns/mdns_probe.c crdt/log.h \
 net/mdns.h
crdt/log.h:
net/mdns.h:
