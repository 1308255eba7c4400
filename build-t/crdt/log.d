build-t/crdt/log.o: crdt/log.c crdt/log.h
crdt/log.h:
