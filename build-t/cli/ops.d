build-t/cli/ops.o: cli/ops.c cli/cli.h crdt/community.h crdt/bundle.h \
 crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h crdt/codec.h \
 crdt/crypto.h crdt/facts.h crdt/query.h crdt/query.h crdt/replica.h \
 peer/keystore.h crdt/crypto.h crdt/err.h crdt/ops.h crdt/schema.h
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
crdt/ops.h:
crdt/schema.h:
