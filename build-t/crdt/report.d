build-t/crdt/report.o: crdt/report.c crdt/codec.h crdt/community.h \
 crdt/bundle.h crdt/replica.h crdt/apply.h crdt/store.h crdt/change.h \
 crdt/crypto.h crdt/facts.h crdt/query.h crdt/err.h crdt/query_sql.h \
 crdt/report.h crdt/schema.h
crdt/codec.h:
crdt/community.h:
crdt/bundle.h:
crdt/replica.h:
crdt/apply.h:
crdt/store.h:
crdt/change.h:
crdt/crypto.h:
crdt/facts.h:
crdt/query.h:
crdt/err.h:
crdt/query_sql.h:
crdt/report.h:
crdt/schema.h:
