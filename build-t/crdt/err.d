build-t/crdt/err.o: crdt/err.c crdt/err.h
crdt/err.h:
