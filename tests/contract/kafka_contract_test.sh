#!/usr/bin/env bash
# Contract test: the Kafka topics as a back office reads them with a stock client.
# For each encoding (protobuf, then json): casework-dev loads a small demo through gRPC with
# every service publishing in that encoding to the embedded broker; walk.py (python3-grpcio)
# takes cases down the paths the small demo may miss, so every event type is emitted;
# kafka_consumer.py
# (python3-confluent-kafka, code generated from proto/ at test time) reads the four domain
# topics and checks headers, keys, decoding and ordering per child; with JSON the projection
# must still count what it counted from protobuf (officer-01's scorecard is the same).
# With CASEWORK_TEST_KAFKA_CLUSTER=1 each encoding runs on a real three-broker cluster of its
# own (scripts/kafka-cluster.sh) instead, the stock clients signing in as the back office.
# Usage: kafka_contract_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
fail() { echo "CONTRACT FAILED: $*" >&2; exit 1; }

for encoding in protobuf json; do
  (
    # A stack of its own for each encoding.
    # shellcheck source=tests/testing/dev_stack.sh
    source "$src/tests/testing/dev_stack.sh"
    work=$DEV_WORK
    fail() { dev_fail "CONTRACT: $encoding: $*"; }
    mkdir -p "$work/py"
    protoc -I "$src/proto" --python_out="$work/py" "$src"/proto/casework/v1/*.proto
    export CASEWORK_EVENT_FORMAT=$encoding
    on_cluster=()
    if [ "${CASEWORK_TEST_KAFKA_CLUSTER:-0}" = 1 ]; then
      # shellcheck source=tests/testing/kafka_cluster.sh
      source "$src/tests/testing/kafka_cluster.sh"
      kafka_cluster_start "$src"
      on_cluster=("${KAFKA_CLUSTER_ARGS[@]}")
      # The stock clients' settings (walk.py, kafka_consumer.py): the back office's user.
      export CASEWORK_KAFKA_CLIENT_CONFIG="security.protocol=SASL_PLAINTEXT,sasl.mechanisms=SCRAM-SHA-512,sasl.username=backoffice,sasl.password=$(cat "$KAFKA_CLUSTER_DIR/secrets/backoffice")"
    fi
    dev_stack_start "$bin" --demo --demo-children 60 "${on_cluster[@]}"
    if [ ${#on_cluster[@]} -gt 0 ]; then
      grep -q "kafka bootstrap   $CASEWORK_BROKERS" "$DEV_OUT" || fail "not on the cluster"
    fi
    grep -q "demo loaded" "$DEV_OUT" || fail "demo did not load"
    # The walk reassigns cases between officer-01 and officer-02 and goes on with them: the
    # manager of their team may act on both (an officer acts only on their own cases).
    PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/contract/walk.py" "$CASEWORK_EHC_ADDR" \
      "$CASEWORK_REVIEWS_ADDR" "$CASEWORK_TRANSPORT_ADDR" "$CASEWORK_COMPLAINTS_ADDR" \
      "$CASEWORK_MANAGER_TOKEN" "$CASEWORK_QA_TOKEN" \
      || fail "the walk through every event type failed"
    PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/contract/kafka_consumer.py" \
      "$CASEWORK_BROKERS" "$encoding" --require-all \
      2> >(grep -v '^%' >&2) || fail "the consumer found contract violations"
    # The projection reads either encoding to the same figures: caught up on every topic once
    # the walk's last event of each is on a timeline ...
    for want in walk-child-1:MovedOutOfArea walk-child-3:CeaseProposed \
                walk-child-5:WrittenOutcomeSent walk-child-8:OrderComplied; do
      for _ in $(seq 1 150); do
        "$bin/casectl" timeline "${want%%:*}" --json 2>/dev/null | grep "\"${want#*:}\"" >/dev/null && break
        sleep 0.2
      done
      "$bin/casectl" timeline "${want%%:*}" --json | grep "\"${want#*:}\"" >/dev/null \
        || fail "${want#*:} not projected"
    done
    # ... and nothing is left behind the topics' ends (the consumer's own status).
    for _ in $(seq 1 150); do
      "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status 2>/dev/null \
        | grep -q "^lag 0 records" && break
      sleep 0.2
    done
    for _ in $(seq 1 100); do
      "$bin/casectl" scorecard officer-01 --from 2000-01-01 --to 2100-12-31 --json \
        >"$results/$encoding.score" 2>/dev/null && grep -q '"denominator"' "$results/$encoding.score" && break
      sleep 0.2
    done
    grep -q '"ehc.decision_6_weeks"' "$results/$encoding.score" || fail "no scorecard"
  ) || fail "$encoding"
done
# The demo is the same history both times: the same figures, whatever the encoding.
diff <(grep -v '"as_of"\|"generated' "$results/protobuf.score") \
     <(grep -v '"as_of"\|"generated' "$results/json.score") \
  || fail "the projection counted JSON differently from protobuf"
echo "kafka contract: ok"
