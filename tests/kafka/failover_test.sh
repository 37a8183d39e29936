#!/usr/bin/env bash
# Broker failures under load on a real three-broker cluster (scripts/kafka-cluster.sh:
# replication factor 3, min.insync.replicas 2). casework-bench-ehc drives the stack's EHC
# service (assessments walked from request to final plan) while brokers fail:
#   leader   kill -9 the broker leading the most partitions of casework.ehc-assessments.v1
#            8 s into the load, start it again 12 s later (drill 1);
#   away     kill -9 that broker for 60 s, then restart all three one by one (SIGTERM, then
#            start), each back in sync before the next goes (drill 2).
# The load runs from before the failure until 10 s after every replica is back in sync (at
# least 30 s).
# Then: every call was acknowledged and every acknowledged command's events are on the topic,
# each log position exactly once, none missing (the bench reads the topic as the back office);
# the projection catches up and a clean rebuild from the topics gives the same scorecard,
# worklists and timeline; the plan intake registered exactly one plan for review per final
# plan. Printed: the acknowledged count, the longest command, the longest wait for the topic,
# and the time to converge.
# Usage: failover_test.sh BIN_DIR SOURCE_DIR leader|away
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
mode=$3
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
# shellcheck source=tests/testing/kafka_cluster.sh
source "$src/tests/testing/kafka_cluster.sh"
work=$DEV_WORK
fail() { dev_fail "KAFKA FAILOVER ($mode): $*"; }
case $mode in
  leader | away) ;;
  *) echo "usage: $0 BIN_DIR SOURCE_DIR leader|away" >&2; exit 2 ;;
esac
kafka_cluster_start "$src"
cluster=$KAFKA_CLUSTER_DIR
kc_script=$KAFKA_CLUSTER_SCRIPT
dev_stack_start "$bin" --today 2026-12-07 "${KAFKA_CLUSTER_ARGS[@]}"
admin_status() { "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status "$@" 2>&1; }

# Every partition of every topic has all three replicas in sync.
all_in_sync() {
  kafka_cluster_kcat admin -L >"$work/meta.out" 2>/dev/null || return 1
  ! grep "partition " "$work/meta.out" | grep -vq "isrs: [0-9],[0-9],[0-9]"
}
wait_in_sync() {
  for _ in $(seq 1 300); do all_in_sync && return 0; sleep 0.2; done
  fail "the cluster is not back in sync: $(grep 'partition ' "$work/meta.out" | grep -v 'isrs: [0-9],[0-9],[0-9]' | head -3)"
}
# The broker leading the most partitions of a topic.
busiest_leader() {
  kafka_cluster_kcat admin -L -t "$1" 2>/dev/null \
    | sed -n 's/.*partition [0-9]*, leader \([0-9]*\),.*/\1/p' | sort | uniq -c | sort -rn \
    | awk 'NR == 1 {print $2}'
}

wait_in_sync
"$bin/casework-bench-ehc" --target "$CASEWORK_EHC_ADDR" --token "$CASEWORK_INTEGRATION_TOKEN" \
  --brokers "$CASEWORK_BROKERS" --kafka-password-dir "$cluster/secrets" --concurrency 8 \
  --warmup 0 --duration 500 --stop-file "$work/stop" --settle 240 --check \
  >"$work/load.out" 2>"$work/load.err" &
load=$!
dev_track "$load"
sleep 8
case $mode in
  leader)
    victim=$(busiest_leader casework.ehc-assessments.v1)
    [ -n "$victim" ] || fail "no leader found for casework.ehc-assessments.v1"
    echo "killing broker $victim (kill -9), the leader of the most EHC partitions"
    "$kc_script" kill "$victim" --dir "$cluster"
    sleep 12
    "$kc_script" restart "$victim" --dir "$cluster"
    wait_in_sync
    ;;
  away)
    victim=$(busiest_leader casework.ehc-assessments.v1)
    echo "killing broker $victim (kill -9) for 60 s"
    "$kc_script" kill "$victim" --dir "$cluster"
    sleep 60
    "$kc_script" restart "$victim" --dir "$cluster"
    wait_in_sync
    for n in 1 2 3; do
      echo "rolling restart: broker $n"
      "$kc_script" stop-node "$n" --dir "$cluster"
      "$kc_script" restart "$n" --dir "$cluster"
      wait_in_sync
    done
    ;;
esac
kill -0 "$load" 2>/dev/null || fail "the load ended before the brokers were back: $(cat "$work/load.out" "$work/load.err")"
sleep 10
touch "$work/stop"
load_status=0
wait "$load" || load_status=$?
load_end=$(date +%s%N)
cat "$work/load.out"
[ "$load_status" = 0 ] || fail "the load's checks failed ($load_status): $(tail -5 "$work/load.err")"
grep -q "^drill: acknowledged=[1-9]" "$work/load.out" || fail "no commands acknowledged"

# The plan intake, then the projection converge: nothing behind the topics' ends, serving.
for _ in $(seq 1 1500); do
  admin_status --consumer reviews >"$work/intake.out" && grep -q "^lag 0 records" "$work/intake.out" \
    && break
  sleep 0.2
done
grep -q "^lag 0 records" "$work/intake.out" || fail "the plan intake did not catch up: $(head -3 "$work/intake.out")"
for _ in $(seq 1 1500); do
  admin_status >"$work/status.out" && grep -q "^lag 0 records" "$work/status.out" && break
  sleep 0.2
done
grep -q "^lag 0 records" "$work/status.out" || fail "the projection did not catch up: $(head -3 "$work/status.out")"
grep -q "^projection: SERVING" "$work/status.out" || fail "projection: $(head -3 "$work/status.out")"
echo "plan intake and projection caught up $(( ($(date +%s%N) - load_end) / 1000000 )) ms after the load stopped"

# A clean rebuild from the topics, signed in as the projection.
kafka_cluster_rebuild "$bin"
rebuilt=$KAFKA_CLUSTER_REBUILT
figures() {
  CASEWORK_PROJECTION_ADDR=$1 "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" --json \
    team-scorecard team-north --from 2026-01-01 --to 2026-12-31
  for n in $(seq -w 1 20); do
    CASEWORK_PROJECTION_ADDR=$1 "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" --json \
      worklist "officer-$n" --page-size 1000 2>/dev/null || true
  done
  CASEWORK_PROJECTION_ADDR=$1 "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" --json \
    timeline bchild-0-0
}
figures "$CASEWORK_PROJECTION_ADDR" >"$work/live.figures"
figures "$rebuilt" >"$work/rebuilt.figures"
grep -q '"denominator"' "$work/live.figures" || fail "no figures to compare"
grep -q 'bchild-' "$work/live.figures" || fail "the load's cases are not in the figures"
diff -q "$work/live.figures" "$work/rebuilt.figures" >/dev/null \
  || fail "the rebuild differs: $(diff "$work/live.figures" "$work/rebuilt.figures" | head -20)"

# One plan registered for review per final plan (each registration one log position).
kafka_cluster_kcat admin -C -t casework.ehc-assessments.v1 -o beginning -e -f '%h\n' \
  2>/dev/null | grep '\.FinalPlanIssued' | grep -o 'casework_stream_id=[^,]*' | sort -u \
  >"$work/finals" || true
kafka_cluster_kcat admin -C -t casework.annual-reviews.v1 -o beginning -e -f '%h\n' \
  2>/dev/null | grep '\.PlanRegistered' \
  | sed 's/.*casework_stream_id=\([^,]*\).*casework_position=\([^,]*\).*/\1 \2/' | sort -u \
  >"$work/registered" || true
finals=$(wc -l <"$work/finals")
plans=$(cut -d' ' -f1 "$work/registered" | sort -u | wc -l)
registrations=$(wc -l <"$work/registered")
[ "$finals" -gt 0 ] || fail "no final plans on the topic"
[ "$plans" = "$finals" ] || fail "$finals final plans but $plans plans registered for review"
[ "$registrations" = "$plans" ] || fail "$registrations registrations for $plans plans"
echo "kafka failover ($mode): $(grep '^drill:' "$work/load.out" | cut -d' ' -f2-), final plans $finals, registered once each, rebuild identical"
dev_stack_stop
