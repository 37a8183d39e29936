#!/usr/bin/env bash
# Losing the quorum on a real three-broker cluster (scripts/kafka-cluster.sh, min.insync.replicas
# 2): with two brokers killed (kill -9) the topics cannot be written, yet commands are still
# acknowledged - durable in the service's own log - and the relay's lag grows in /metrics; when
# the brokers return, everything is published and counted once by the projection. (On the topic
# an event may stand twice when an outage outlasts the relay's delivery timeout, 120 s: the batch
# is sent again - the relay is at least once - and consumers skip the repeat by its stream
# version.)
# Usage: quorum_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
# shellcheck source=tests/testing/kafka_cluster.sh
source "$src/tests/testing/kafka_cluster.sh"
work=$DEV_WORK
fail() { dev_fail "KAFKA QUORUM: $*"; }
kafka_cluster_start "$src"
cluster=$KAFKA_CLUSTER_DIR
kc_script=$KAFKA_CLUSTER_SCRIPT
dev_stack_start "$bin" --today 2026-12-07 "${KAFKA_CLUSTER_ARGS[@]}"

request() {  # N
  "$bin/casectl" ehc request --id "q-asmt-$1" --child "q-child-$1" --officer officer-01 \
    --received 2026-12-01 --source parent >/dev/null
}
on_timeline() {  # N
  "$bin/casectl" timeline "q-child-$1" --json 2>/dev/null | grep -q "\"q-asmt-$1\""
}
relay_lag() {
  curl -sf "http://$CASEWORK_EHC_METRICS/metrics" | awk '/^casework_relay_lag_events/ {print $2}'
}
# Before: a command goes all the way through.
request 1 || fail "request 1"
for _ in $(seq 1 150); do on_timeline 1 && break; sleep 0.2; done
on_timeline 1 || fail "request 1 never reached the timeline"

# Two of three brokers gone: no in-sync quorum for any partition.
"$kc_script" kill 2 --dir "$cluster"
"$kc_script" kill 3 --dir "$cluster"
for n in 2 3 4 5 6; do
  timeout 20 bash -c "$(declare -f request); bin=$bin; request $n" \
    || fail "request $n was not acknowledged with two brokers down"
done
lag=0
for _ in $(seq 1 100); do
  lag=$(relay_lag || echo 0)
  [ "${lag%.*}" -ge 5 ] && break
  sleep 0.2
done
[ "${lag%.*}" -ge 5 ] || fail "the relay's lag does not show the 5 unpublished events: $lag"
on_timeline 6 && fail "request 6 reached the projection with no broker quorum"

# The brokers return: everything is published, once.
"$kc_script" restart 2 --dir "$cluster"
"$kc_script" restart 3 --dir "$cluster"
for _ in $(seq 1 600); do
  [ "$(relay_lag || echo 1)" = "0" ] && on_timeline 6 && break
  sleep 0.2
done
[ "$(relay_lag)" = "0" ] || fail "the relay did not catch up: lag $(relay_lag)"
for n in 1 2 3 4 5 6; do on_timeline "$n" || fail "request $n never reached the timeline"; done
kafka_cluster_kcat admin -C -t casework.ehc-assessments.v1 -o beginning -e -f '%k\n' \
  >"$work/keys.out" 2>/dev/null || fail "reading the topic"
for n in 1 2 3 4 5 6; do
  count=$(grep -c "^q-child-$n$" "$work/keys.out" || true)
  [ "$count" -ge 1 ] || fail "q-child-$n's request is not on the topic"
  # Once on the child's timeline, however often it was delivered.
  entries=$("$bin/casectl" timeline "q-child-$n" --json | grep -c "\"q-asmt-$n\"" || true)
  [ "$entries" = 1 ] || fail "q-child-$n's request is on the timeline $entries times"
done
dev_stack_stop
echo "kafka quorum: all passed"
