build-t/cli/identity.o: cli/identity.c cli/cli.h crdt/community.h \
 crdt/bundle.h crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h \
 crdt/codec.h crdt/crypto.h crdt/facts.h crdt/query.h crdt/query.h \
 crdt/replica.h peer/keystore.h crdt/crypto.h crdt/err.h crdt/schema.h \
 cli/private.h crdt/seal.h
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
crdt/schema.h:
cli/private.h:
crdt/seal.h:
