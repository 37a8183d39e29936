#!/bin/sh
# Runs inside the Kafka container of docker-compose.yml: starts the broker (KRaft, one node),
# then, over its loopback-only listener (127.0.0.1:9094, reachable from inside this container
# only), applies deploy/kafka/definitions.sh: casework's topics, one SASL/SCRAM-SHA-512 user per
# service and for the LA's back office (passwords from the mounted secrets), and the ACLs.
# Clients on the network listener (9092) must authenticate; with no ACL allowing it, an
# operation is refused. docs/operations.md, "Who may write to the topics".
set -eu
kafka=/opt/kafka/bin
local=127.0.0.1:9094
/etc/kafka/docker/run &
broker=$!
until $kafka/kafka-topics.sh --bootstrap-server $local --list >/dev/null 2>&1; do sleep 2; done

# The topics, users and ACLs (deploy/kafka/definitions.sh, mounted beside this script).
kafka_topics() { $kafka/kafka-topics.sh --bootstrap-server $local "$@"; }
kafka_configs() { $kafka/kafka-configs.sh --bootstrap-server $local "$@"; }
kafka_acls() { $kafka/kafka-acls.sh --bootstrap-server $local "$@"; }
secret() { cat "/run/secrets/kafka-$1"; }
replication=1
. /opt/casework/definitions.sh

touch /tmp/casework-kafka-ready
echo "casework: topics, users and ACLs in place"
wait $broker
