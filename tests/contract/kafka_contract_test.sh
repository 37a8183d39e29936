#!/usr/bin/env bash
# Contract test: the Kafka topics as a back office reads them with a stock client.
# For each encoding (protobuf, then json): casework-dev loads a small demo through gRPC with
# every service publishing in that encoding to the embedded broker; walk.py (python3-grpcio)
# takes cases down the paths the small demo may miss, so every event type is emitted;
# kafka_consumer.py
# (python3-confluent-kafka, code generated from proto/ at test time) reads the four domain
# topics and checks headers, keys, decoding and ordering per child; with JSON the projection
# must still count what it counted from protobuf (officer-01's scorecard is the same).
# Usage: kafka_contract_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "CONTRACT FAILED: $*" >&2; exit 1; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$work/py"
protoc -I "$src/proto" --python_out="$work/py" "$src"/proto/casework/v1/*.proto

for encoding in protobuf json; do
  ports=()
  for _ in 1 2 3 4 5 6 7 8; do ports+=("$(free_port)"); done
  CASEWORK_EVENT_FORMAT=$encoding "$bin/casework-dev" --demo --demo-children 60 \
    --data-dir "$work/$encoding" --ehc-port "${ports[0]}" --reviews-port "${ports[1]}" \
    --transport-port "${ports[2]}" --complaints-port "${ports[3]}" \
    --projection-port "${ports[4]}" --returns-port "${ports[5]}" --web-port "${ports[6]}" \
    --oidc-port "${ports[7]}" >"$work/$encoding.out" 2>"$work/$encoding.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 300); do grep -q "Ctrl-C stops" "$work/$encoding.out" 2>/dev/null && break; sleep 0.2; done
  grep -q "demo loaded" "$work/$encoding.out" \
    || { cat "$work/$encoding.out" "$work/$encoding.err"; fail "$encoding: demo did not load"; }
  # shellcheck disable=SC1090,SC1091
  # The walk reassigns cases between officer-01 and officer-02 and goes on with them: the
  # manager of their team may act on both (an officer acts only on their own cases).
  token=$(source "$work/$encoding/tokens.env" && echo "$CASEWORK_MANAGER_TOKEN")
  PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/contract/walk.py" "127.0.0.1:${ports[0]}" \
    "127.0.0.1:${ports[1]}" "127.0.0.1:${ports[2]}" "127.0.0.1:${ports[3]}" "$token" \
    || { tail -40 "$work/$encoding.err" >&2; ps -ef | grep -c "[e]hc-assessments" >&2
         fail "$encoding: the walk through every event type failed"; }
  PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/contract/kafka_consumer.py" \
    "$(cat "$work/$encoding/kafka.bootstrap")" "$encoding" --require-all \
    2> >(grep -v '^%' >&2) || fail "$encoding: the consumer found contract violations"

  # The projection reads either encoding to the same figures.
  (
    # shellcheck disable=SC1090,SC1091
    source "$work/$encoding/tokens.env"
    export CASEWORK_PROJECTION_ADDR=127.0.0.1:${ports[4]}
    # Caught up on every topic once the walk's last event of each is on a timeline.
    for want in walk-child-1:MovedOutOfArea walk-child-3:CeaseProposed \
                walk-child-5:WrittenOutcomeSent walk-child-8:OrderComplied; do
      for _ in $(seq 1 150); do
        "$bin/casectl" timeline "${want%%:*}" --json 2>/dev/null | grep -q "\"${want#*:}\"" && break
        sleep 0.2
      done
      "$bin/casectl" timeline "${want%%:*}" --json | grep -q "\"${want#*:}\"" \
        || { echo "CONTRACT FAILED: $encoding: ${want#*:} not projected" >&2; exit 1; }
    done
    # ... and nothing is left behind the topics' ends (the consumer's own status).
    for _ in $(seq 1 150); do
      "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status 2>/dev/null \
        | grep -q "^lag 0 records" && break
      sleep 0.2
    done
    for _ in $(seq 1 100); do
      "$bin/casectl" scorecard officer-01 --from 2000-01-01 --to 2100-12-31 --json \
        >"$work/$encoding.score" 2>/dev/null && grep -q '"denominator"' "$work/$encoding.score" && break
      sleep 0.2
    done
  ) || fail "$encoding: the projection did not catch up"
  grep -q '"ehc.decision_6_weeks"' "$work/$encoding.score" || fail "$encoding: no scorecard"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
# The demo is the same history both times: the same figures, whatever the encoding.
diff <(grep -v '"as_of"\|"generated' "$work/protobuf.score") \
     <(grep -v '"as_of"\|"generated' "$work/json.score") \
  || fail "the projection counted JSON differently from protobuf"
echo "kafka contract: ok"
