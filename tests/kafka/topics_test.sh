#!/usr/bin/env bash
# Topic changes on a running stack on a real three-broker cluster (scripts/kafka-cluster.sh):
#   - retention as docs/operations.md promises: the domain and school-events topics keep
#     everything (retention.ms=-1), the directory and people topics are compacted;
#   - an ACL removed from a running consumer: the projection loses Read on the complaints
#     topic and goes NOT_SERVING naming it; the ACL restored, it serves again by itself;
#   - partitions raised on the live EHC topic (6 to 9): without a restart the relay sends
#     children to the new partitions, and the projection and the plan intake read them;
#   - the directory topic compacted by the log cleaner: a new projection rebuilt from the
#     topics has the same directory as the live one.
# Usage: topics_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
# shellcheck source=tests/testing/kafka_cluster.sh
source "$src/tests/testing/kafka_cluster.sh"
work=$DEV_WORK
fail() { dev_fail "KAFKA TOPICS: $*"; }
kafka_cluster_start "$src"
cluster=$KAFKA_CLUSTER_DIR
tool() { "$KAFKA_CLUSTER_SCRIPT" tool --dir "$cluster" "$@" 2>>"$work/tool.err"; }
dev_stack_start "$bin" --today 2026-12-07 --demo --demo-children 60 "${KAFKA_CLUSTER_ARGS[@]}"
status() { "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status "$@" 2>&1; }
wait_status() {  # PATTERN [casectl admin status flags]: up to 60 s
  local pattern=$1
  shift
  for _ in $(seq 1 300); do
    status "$@" >"$work/status.out" || true  # non-zero while not serving
    grep -q "$pattern" "$work/status.out" && return 0
    sleep 0.2
  done
  return 1
}

# Retention and compaction, as configured on the cluster.
tool kafka.admin.ConfigCommand --describe --entity-type topics >"$work/configs.out" \
  || fail "describing the topics' configs: $(tail -3 "$work/tool.err")"
topic_config() {  # TOPIC: its dynamic configs line
  grep -A1 "Dynamic configs for topic $1 are:" "$work/configs.out" | tail -1
}
for t in ehc-assessments annual-reviews transport complaints; do
  topic_config "casework.$t.v1" | grep -q "retention.ms=-1" \
    || fail "casework.$t.v1 does not keep everything: $(topic_config "casework.$t.v1")"
done
topic_config casework.school-events.v1 | grep -q "retention.ms=-1" || fail "school events: $(topic_config casework.school-events.v1)"
for t in directory people; do
  topic_config "casework.$t.v1" | grep -q "cleanup.policy=compact" \
    || fail "casework.$t.v1 is not compacted: $(topic_config "casework.$t.v1")"
done
topic_config casework.ehc-assessments.deadletter.v1 | grep -q "retention.ms=2592000000" \
  || fail "dead letters are not kept 30 days: $(topic_config casework.ehc-assessments.deadletter.v1)"

# An ACL removed from a running consumer, then restored.
wait_status "^projection: SERVING" || fail "the projection is not serving: $(head -2 "$work/status.out")"
acl=(--allow-principal User:projection --operation Read --topic casework.complaints.v1)
tool kafka.admin.AclCommand --remove --force "${acl[@]}" >/dev/null \
  || fail "removing the ACL: $(tail -3 "$work/tool.err")"
# A complaint to fetch, so the projection asks for the topic it may no longer read.
"$bin/casectl" complaint log --id t-comp-1 --child t-child-1 --officer officer-01 \
  --subject communication --received 2026-12-01 >/dev/null || fail "complaint log"
wait_status "NOT SERVING.*complaints" \
  || fail "the projection did not say it cannot read the complaints: $(head -2 "$work/status.out")"
echo "read ACL removed: $(head -1 "$work/status.out")"
tool kafka.admin.AclCommand --add "${acl[@]}" >/dev/null || fail "restoring the ACL: $(tail -3 "$work/tool.err")"
wait_status "^projection: SERVING" || fail "the projection did not serve again: $(head -2 "$work/status.out")"

# Partitions raised on the live EHC topic.
tool org.apache.kafka.tools.TopicCommand --alter --topic casework.ehc-assessments.v1 --partitions 9 \
  >/dev/null || fail "raising the partitions: $(tail -3 "$work/tool.err")"
on_new_partition() {
  for p in 6 7 8; do
    kafka_cluster_kcat admin -C -t casework.ehc-assessments.v1 -p "$p" -o beginning -e -f '%k\n' \
      2>/dev/null | grep -m1 "^p-child-" && return 0
  done
  return 1
}
child=""
for n in $(seq 1 120); do
  "$bin/casectl" ehc request --id "p-asmt-$n" --child "p-child-$n" --officer officer-01 \
    --received 2026-12-01 --source parent >/dev/null || fail "request $n"
  if [ $((n % 5)) = 0 ] && child=$(on_new_partition); then break; fi
  sleep 0.5
done
[ -n "$child" ] || fail "no child reached partitions 6-8 of casework.ehc-assessments.v1 in 60 s"
echo "after raising the partitions, $child is on a new partition"
for _ in $(seq 1 300); do
  "$bin/casectl" timeline "$child" --json 2>/dev/null | grep -q '"p-asmt-' && break
  sleep 0.2
done
"$bin/casectl" timeline "$child" --json | grep -q '"p-asmt-' \
  || fail "$child's request never reached the projection"
for consumer in projection reviews; do
  for _ in $(seq 1 150); do
    status --consumer "$consumer" --json >"$work/$consumer.json" \
      && grep -q '"partition": 8' "$work/$consumer.json" && break
    sleep 0.2
  done
  grep -q '"partition": 8' "$work/$consumer.json" \
    || fail "the $consumer consumer does not read partition 8: $(head -c 600 "$work/$consumer.json")"
done
wait_status "^lag 0 records" --consumer reviews || fail "the plan intake: $(head -2 "$work/status.out")"

# Compaction: the directory topic rolls its segments every 2 s and is cleaned when 1% is
# superseded; the back office publishes officer-05 twice more (team south, then north again),
# a team record rolls the segment, and once the log cleaner has removed superseded records a
# new projection rebuilt from the topics has the live one's directory.
tool kafka.admin.ConfigCommand --alter --entity-type topics --entity-name casework.directory.v1 \
  --add-config segment.ms=2000,min.cleanable.dirty.ratio=0.01,min.compaction.lag.ms=0 >/dev/null \
  || fail "setting the directory topic's segments: $(tail -3 "$work/tool.err")"
backoffice=(--brokers "$CASEWORK_BROKERS" --kafka-password-file "$cluster/secrets/backoffice"
  --kafka-config "security.protocol=SASL_PLAINTEXT,sasl.mechanisms=SCRAM-SHA-512,sasl.username=backoffice")
for team in south north; do
  printf 'kind,id,name,team_id,role,active\nofficer,officer-05,Officer Five,team-%s,officer,true\n' \
    "$team" >"$work/directory-$team.csv"
  "$bin/casectl" directory import "$work/directory-$team.csv" "${backoffice[@]}" >/dev/null \
    || fail "directory import ($team)"
done
records_held() {
  kafka_cluster_kcat admin -C -t casework.directory.v1 -o beginning -e -f '%o\n' 2>/dev/null | wc -l
}
offsets_written() {
  kafka_cluster_kcat admin -C -t casework.directory.v1 -o beginning -e -f '%p %o\n' 2>/dev/null \
    | awk '{ if ($2 + 1 > end[$1]) end[$1] = $2 + 1 } END { n = 0; for (p in end) n += end[p]; print n }'
}
written=$(offsets_written)
compacted=0
for n in $(seq 1 45); do
  sleep 2
  printf 'kind,id,name,team_id\nteam,team-roll-%s,Roll,\n' "$n" >"$work/roll.csv"
  "$bin/casectl" directory import "$work/roll.csv" "${backoffice[@]}" >/dev/null || fail "roll $n"
  held=$(records_held)
  written=$(offsets_written)
  if [ "$held" -lt "$written" ]; then compacted=1; break; fi
done
[ "$compacted" = 1 ] || fail "the log cleaner never compacted casework.directory.v1 ($held records of $written)"
echo "directory compacted: $held records held of $written written"
wait_status "^lag 0 records" || fail "the live projection: $(head -2 "$work/status.out")"
kafka_cluster_rebuild "$bin"
rebuilt=$KAFKA_CLUSTER_REBUILT
directory_of() {
  for team in team-north team-south; do
    CASEWORK_PROJECTION_ADDR=$1 "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" --json \
      team-scorecard "$team" --from 2026-01-01 --to 2026-12-31 2>&1 || true
  done
}
directory_of "$CASEWORK_PROJECTION_ADDR" >"$work/live.directory"
directory_of "$rebuilt" >"$work/rebuilt.directory"
grep -q '"officer-05"' "$work/live.directory" || fail "officer-05 is not in the live directory: $(head -c 400 "$work/live.directory")"
diff -q "$work/live.directory" "$work/rebuilt.directory" >/dev/null \
  || fail "the rebuilt directory differs: $(diff "$work/live.directory" "$work/rebuilt.directory" | head -10; head -5 "$work/rebuilt.directory")"
dev_stack_stop
echo "kafka topics: all passed"
