build-t/cli/private.o: cli/private.c crdt/err.h crdt/schema.h \
 cli/private.h cli/cli.h crdt/community.h crdt/bundle.h crdt/replica.h \
 crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h crdt/crypto.h \
 crdt/facts.h crdt/query.h crdt/query.h crdt/replica.h peer/keystore.h \
 crdt/crypto.h crdt/seal.h
crdt/err.h:
crdt/schema.h:
cli/private.h:
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
crdt/seal.h:
