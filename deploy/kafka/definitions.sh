# casework's Kafka topics, SASL/SCRAM users and ACLs: the one definition that
# deploy/kafka/setup.sh (docker-compose.yml's broker) and scripts/kafka-cluster.sh (the
# three-broker cluster of the tests) both apply; tests/deploy/catalogue_test.sh checks it
# against the service catalogue. Sourced, not run. The caller defines:
#   kafka_topics ARGS...   kafka-topics.sh against the cluster, as a super user
#   kafka_configs ARGS...  kafka-configs.sh, the same
#   kafka_acls ARGS...     kafka-acls.sh, the same
#   secret USER            prints the SCRAM password of USER
#   replication            each topic's replication factor (1 for one broker, 3 for three)
# Each domain service writes only its own topic, the back office writes only the directory,
# people and school-events topics, consumers read only what they need; with no ACL allowing it
# an operation is refused (allow.everyone.if.no.acl.found=false). docs/operations.md, "Who may
# write to the topics".

# The service catalogue's topics (tests/deploy/catalogue_test.sh checks this list).
domain="ehc-assessments annual-reviews transport complaints"
for s in $domain; do
  kafka_topics --create --if-not-exists \
    --topic "casework.$s.v1" --partitions 6 --replication-factor "$replication" --config retention.ms=-1
  kafka_topics --create --if-not-exists \
    --topic "casework.$s.deadletter.v1" --partitions 1 --replication-factor "$replication" \
    --config retention.ms=2592000000
done
for t in casework.directory.v1 casework.people.v1; do
  kafka_topics --create --if-not-exists \
    --topic "$t" --partitions 6 --replication-factor "$replication" --config cleanup.policy=compact
done
# School events are events, not latest-wins records: kept, not compacted.
for t in casework.school-events.v1; do
  kafka_topics --create --if-not-exists \
    --topic "$t" --partitions 6 --replication-factor "$replication" --config retention.ms=-1
done
for t in casework.directory.deadletter.v1 casework.people.deadletter.v1 \
    casework.school-events.deadletter.v1; do
  kafka_topics --create --if-not-exists \
    --topic "$t" --partitions 1 --replication-factor "$replication" --config retention.ms=2592000000
done

# Users: one per service and one for the back office.
for u in $domain projection statutory-returns backoffice; do
  password=$(secret "$u")
  kafka_configs --alter --entity-type users \
    --entity-name "$u" --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]"
done

allow() { user=$1; shift; kafka_acls --add --allow-principal "User:$user" "$@" >/dev/null; }
for s in $domain; do
  # Its own topic only (idempotent producer: Write implies IdempotentWrite).
  allow "$s" --operation Write --operation Describe --topic "casework.$s.v1"
  # ... and reads it back: at start, to catch up a log restored from a backup, and for
  # --restore-from-topic (libs/host/restore.h).
  allow "$s" --operation Read --topic "casework.$s.v1"
  allow "$s" --operation Read --group "casework-restore-casework.$s.v1"
  # The officer directory (case-level access).
  allow "$s" --operation Read --operation Describe --topic casework.directory.v1
  allow "$s" --operation Read --group "$s-directory"
done
# The annual-reviews plan intake reads the EHC topic; its dead letters go to that topic's
# dead-letter topic.
allow annual-reviews --operation Read --operation Describe --topic casework.ehc-assessments.v1
allow annual-reviews --operation Read --group casework-annual-reviews
allow annual-reviews --operation Write --operation Describe \
  --topic casework.ehc-assessments.deadletter.v1
# ... and the back office's school events (suspensions, exclusions, attendance), the only
# reader; its dead letters go to that topic's dead-letter topic.
allow annual-reviews --operation Read --operation Describe --topic casework.school-events.v1
allow annual-reviews --operation Write --operation Describe \
  --topic casework.school-events.deadletter.v1
# The projection reads every domain topic and the directory; writes dead letters.
for s in $domain; do
  allow projection --operation Read --operation Describe --topic "casework.$s.v1"
  allow projection --operation Write --operation Describe --topic "casework.$s.deadletter.v1"
done
allow projection --operation Read --operation Describe --topic casework.directory.v1
allow projection --operation Write --operation Describe --topic casework.directory.deadletter.v1
allow projection --operation Read --group casework-projection
# The statutory returns read the EHC, reviews and complaints topics and people's details
# (the only reader of casework.people.v1); they write dead letters.
for s in ehc-assessments annual-reviews complaints people; do
  allow statutory-returns --operation Read --operation Describe --topic "casework.$s.v1"
  allow statutory-returns --operation Write --operation Describe \
    --topic "casework.$s.deadletter.v1"
done
allow statutory-returns --operation Read --group casework-statutory-returns
# The back office integrates over the topics: it reads every domain topic (consumer groups
# named backoffice...) and publishes the officer directory, people's details and school
# events, nothing else.
for s in $domain; do
  allow backoffice --operation Read --operation Describe --topic "casework.$s.v1"
done
allow backoffice --operation Read --group backoffice --resource-pattern-type prefixed
allow backoffice --operation Write --operation Describe --topic casework.directory.v1
allow backoffice --operation Write --operation Describe --topic casework.people.v1
allow backoffice --operation Write --operation Describe --topic casework.school-events.v1

