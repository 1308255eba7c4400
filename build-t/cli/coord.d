build-t/cli/coord.o: cli/coord.c cli/cli.h crdt/community.h crdt/bundle.h \
 crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h \
 crdt/crypto.h crdt/facts.h crdt/query.h crdt/query.h crdt/replica.h \
 peer/keystore.h crdt/crypto.h crdt/err.h crdt/rules.h crdt/schema.h \
 crdt/schema.h
cli/cli.h:
crdt/community.h:
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/codec.h:
crdt/crypto.h:
crdt/facts.h:
crdt/query.h:
crdt/query.h:
crdt/replica.h:
peer/keystore.h:
crdt/crypto.h:
crdt/err.h:
crdt/rules.h:
crdt/schema.h:
crdt/schema.h:
