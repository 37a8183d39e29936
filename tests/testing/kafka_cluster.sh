# A real Apache Kafka cluster for the shell tests (scripts/kafka-cluster.sh): source it after
# tests/testing/dev_stack.sh, then
#
#   kafka_cluster_start SOURCE_DIR
#   dev_stack_start "$bin" ... "${KAFKA_CLUSTER_ARGS[@]}"
#
# kafka_cluster_start starts three brokers in $DEV_WORK/kafka (or fails the test with their
# output), exports the cluster's settings (CASEWORK_BROKERS, each user's client settings) and
# sets:
#   KAFKA_CLUSTER_DIR      the cluster's directory (secrets/USER: each user's password)
#   KAFKA_CLUSTER_SCRIPT   scripts/kafka-cluster.sh (kill NODE / restart NODE for drills)
#   KAFKA_CLUSTER_ARGS     the casework-dev flags that put the stack on it
# When the test exits, however it exits, the stack stops, then the cluster, then the files go.
# kafka_cluster_kcat USER ARGS... runs kcat against it signed in as USER.
# kafka_cluster_rebuild BIN_DIR starts a new projection reading every topic of the cluster from
# offset 0 (signed in as projection), waits until it serves with nothing behind (or fails the
# test), and sets KAFKA_CLUSTER_REBUILT to its address.

kafka_cluster_start() {
  KAFKA_CLUSTER_DIR=$DEV_WORK/kafka
  KAFKA_CLUSTER_SCRIPT=$1/scripts/kafka-cluster.sh
  # The stack first, while its brokers still answer; then the cluster; then the directory.
  trap 'kafka_cluster_cleanup' EXIT
  "$KAFKA_CLUSTER_SCRIPT" start --dir "$KAFKA_CLUSTER_DIR" --detach >"$DEV_WORK/cluster.out" 2>&1 \
    || { cat "$DEV_WORK/cluster.out" >&2; dev_fail "the Kafka cluster did not start"; }
  # shellcheck source=/dev/null
  source "$KAFKA_CLUSTER_DIR/cluster.env"
  KAFKA_CLUSTER_ARGS=(--brokers "$CASEWORK_BROKERS" --kafka-password-dir "$KAFKA_CLUSTER_DIR/secrets")
}

kafka_cluster_cleanup() {
  dev_stack_kill
  "$KAFKA_CLUSTER_SCRIPT" stop --dir "$KAFKA_CLUSTER_DIR" >/dev/null 2>&1 || true
  dev_stack_cleanup
}

kafka_cluster_rebuild() {
  local bin=$1 port status=$DEV_WORK/rebuilt.status
  port=$(dev_free_port)
  KAFKA_CLUSTER_REBUILT=127.0.0.1:$port
  "$bin/projection" --port "$port" --data-dir "$DEV_WORK/rebuilt" --brokers "$CASEWORK_BROKERS" \
    --auth-issuer "$CASEWORK_AUTH_ISSUER" --auth-hs256-secret-file "$DEV_WORK/var/auth/dev-hs256.secret" \
    --kafka-config "security.protocol=SASL_PLAINTEXT,sasl.mechanisms=SCRAM-SHA-512,sasl.username=projection,fetch.wait.max.ms=20" \
    --kafka-password-file "$KAFKA_CLUSTER_DIR/secrets/projection" \
    >"$DEV_WORK/rebuilt.out" 2>"$DEV_WORK/rebuilt.err" &
  dev_track $!
  for _ in $(seq 1 1500); do
    CASEWORK_PROJECTION_ADDR=$KAFKA_CLUSTER_REBUILT "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" \
      admin status >"$status" 2>&1 || true
    grep -q "^projection: SERVING" "$status" && grep -q "^lag 0 records" "$status" && return 0
    sleep 0.2
  done
  dev_fail "the projection rebuilt from the cluster did not catch up: $(head -3 "$status")"
}

kafka_cluster_kcat() {
  local user=$1
  shift
  timeout 60 kcat -b "$CASEWORK_BROKERS" -X security.protocol=SASL_PLAINTEXT \
    -X sasl.mechanisms=SCRAM-SHA-512 -X sasl.username="$user" \
    -X sasl.password="$(cat "$KAFKA_CLUSTER_DIR/secrets/$user")" "$@"
}
