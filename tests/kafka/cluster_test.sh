#!/usr/bin/env bash
# The stack on a real Apache Kafka cluster (scripts/kafka-cluster.sh: three brokers, SASL/SCRAM,
# ACLs from deploy/kafka/definitions.sh, replication factor 3, min.insync.replicas 2):
# casework-dev --brokers loads a demo LA through it, the projection catches up, a command is
# acknowledged and reaches the timeline; the topics are replicated three ways; the ACLs hold
# against stock clients (kcat): a service cannot write another's topic, the back office reads
# the domain topics and writes only its own, a wrong password is refused; and a service given a
# wrong password, or another service's user, goes NOT_SERVING saying why.
# Usage: cluster_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
# shellcheck source=tests/testing/kafka_cluster.sh
source "$src/tests/testing/kafka_cluster.sh"
work=$DEV_WORK
fail() { dev_fail "KAFKA CLUSTER: $*"; }
kafka_cluster_start "$src"
cluster=$KAFKA_CLUSTER_DIR
brokers=$CASEWORK_BROKERS
kc() { kafka_cluster_kcat "$@"; }

# Replicated three ways, in sync.
kc admin -L -t casework.ehc-assessments.v1 >"$work/meta.out" 2>&1 || fail "metadata: $(cat "$work/meta.out")"
grep -q "replicas: [0-9],[0-9],[0-9], isrs: [0-9],[0-9],[0-9]" "$work/meta.out" \
  || fail "not replicated three ways: $(cat "$work/meta.out")"

dev_stack_start "$bin" --today 2026-12-07 --demo --demo-children 150 "${KAFKA_CLUSTER_ARGS[@]}"
grep -q "demo loaded" "$DEV_OUT" || fail "demo did not load"
grep -q "kafka bootstrap   $brokers" "$DEV_OUT" || fail "not on the cluster: $(grep bootstrap "$DEV_OUT")"
for _ in $(seq 1 300); do
  "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status 2>/dev/null \
    | grep -q "^lag 0 records" && break
  sleep 0.2
done
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status >"$work/status.out"
grep -q "^lag 0 records" "$work/status.out" || fail "projection: $(head -3 "$work/status.out")"
# A command, acknowledged and on the child's timeline.
"$bin/casectl" ehc request --id cl-asmt-1 --child cl-child-1 --officer officer-01 \
  --received 2026-12-01 --source parent >/dev/null || fail "a request"
for _ in $(seq 1 150); do
  "$bin/casectl" timeline cl-child-1 --json 2>/dev/null | grep -q "\"cl-asmt-1\"" && break
  sleep 0.2
done
"$bin/casectl" timeline cl-child-1 --json | grep -q "\"cl-asmt-1\"" || fail "the request is not on the timeline"
# On the topic, read as the back office (which may read every domain topic).
kc backoffice -C -t casework.ehc-assessments.v1 -o beginning -e -f '%k\n' >"$work/keys.out" 2>&1 \
  || fail "the back office cannot read: $(tail -2 "$work/keys.out")"
grep -q "^cl-child-1$" "$work/keys.out" || fail "the request is not on the topic"
# ACLs: a service writes only its own topic; the back office writes only its own topics.
if echo x | kc transport -P -t casework.ehc-assessments.v1 -k k >"$work/acl.out" 2>&1 \
    && ! grep -q "authorization failed" "$work/acl.out"; then
  fail "transport wrote the EHC topic"
fi
grep -q "Topic authorization failed" "$work/acl.out" || fail "transport: $(cat "$work/acl.out")"
if echo x | kc backoffice -P -t casework.complaints.v1 -k k >"$work/acl.out" 2>&1 \
    && ! grep -q "authorization failed" "$work/acl.out"; then
  fail "the back office wrote a domain topic"
fi
grep -q "Topic authorization failed" "$work/acl.out" || fail "backoffice: $(cat "$work/acl.out")"
# A wrong password is refused.
if timeout 30 kcat -b "$brokers" -X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=SCRAM-SHA-512 \
    -X sasl.username=projection -X sasl.password=wrong -L >"$work/auth.out" 2>&1; then
  fail "a wrong password was let in"
fi
grep -q "Authentication failed" "$work/auth.out" || fail "wrong password: $(tail -2 "$work/auth.out")"
# A service signing in with a wrong password, or as another service, says so at once: NOT_SERVING,
# with the broker's reason in its log (it never takes commands it cannot publish in silence).
refused() {  # NAME USER PASSWORD_FILE WANT
  local port
  port=$(dev_free_port)
  "$bin/ehc-assessments" --port "$port" --data-dir "$work/$1" --brokers "$brokers" \
    --kafka-config "security.protocol=SASL_PLAINTEXT,sasl.mechanisms=SCRAM-SHA-512,sasl.username=$2" \
    --kafka-password-file "$3" --auth-issuer "$CASEWORK_AUTH_ISSUER" \
    --auth-hs256-secret-file "$work/var/auth/dev-hs256.secret" >"$work/$1.out" 2>&1 &
  dev_track $!
  local health=""
  for _ in $(seq 1 150); do
    # casectl health exits 1 while not serving.
    health=$("$bin/casectl" health "127.0.0.1:$port" 2>&1 || true)
    [[ "$health" == *NOT_SERVING* ]] && break
    sleep 0.2
  done
  [[ "$health" == *NOT_SERVING* ]] || fail "$1: $health: $(grep -v rpc "$work/$1.out" | tail -3)"
  grep -q "$4" "$work/$1.out" || fail "$1: no reason: $(grep -v rpc "$work/$1.out" | tail -3)"
}
echo wrong-password >"$work/wrong.password"
refused wrong-password ehc-assessments "$work/wrong.password" \
  "relay to casework.ehc-assessments.v1 refused: kafka: the broker refused the login"
refused other-user transport "$cluster/secrets/transport" \
  "relay to casework.ehc-assessments.v1 refused: kafka: not authorized for topic"
# The embedded broker's drills do not apply here, and say so.
if "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin broker down 2>"$work/err"; then
  fail "a broker drill on the external cluster"
fi
grep -q "external Kafka cluster" "$work/err" || fail "drill: $(cat "$work/err")"
dev_stack_stop
echo "kafka cluster: all passed"
