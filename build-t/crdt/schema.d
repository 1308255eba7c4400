build-t/crdt/schema.o: crdt/schema.c crdt/schema.h
crdt/schema.h:
