#!/usr/bin/env bash
# A real Apache Kafka cluster on loopback: N brokers (default 3, each broker and KRaft
# controller), each with its own data directory, bounded heap and log, configured as production
# is (docs/operations.md): clients authenticate with SASL/SCRAM-SHA-512, StandardAuthorizer with
# allow.everyone.if.no.acl.found=false, replication factor N, min.insync.replicas 2 (1 for a
# single broker), and casework's topics, users and ACLs from deploy/kafka/definitions.sh, the
# same definitions docker-compose.yml's broker applies.
#
# The broker comes from Maven Central (org.apache.kafka:kafka_2.13 and its dependencies,
# resolved with Maven into ~/.cache/casework/kafka-VERSION; a second run downloads nothing).
# Java 17 runs it. A download that fails stops the script with exit status 3, never silently.
#
# Usage:
#   scripts/kafka-cluster.sh fetch                      resolve the broker into the cache
#   scripts/kafka-cluster.sh start [--brokers N] [--dir DIR] [--detach]
#       formats and starts the cluster in DIR (default: a new temporary directory), prints
#       the bootstrap address, and writes DIR/cluster.env: CASEWORK_BROKERS, the client
#       settings (CASEWORK_KAFKA_CONFIG_<USER>), and DIR/secrets/<user> (one SCRAM password
#       per user, mode 0600). Stops everything it started on Ctrl-C, or returns at once with
#       --detach (then stop it with `stop`).
#   scripts/kafka-cluster.sh stop --dir DIR             stops the brokers started in DIR
#   scripts/kafka-cluster.sh kill NODE --dir DIR        kill -9 one broker (drills)
#   scripts/kafka-cluster.sh stop-node NODE --dir DIR   stops one broker cleanly (SIGTERM: it
#       hands its partitions' leadership over first), waiting until it has exited
#   scripts/kafka-cluster.sh restart NODE --dir DIR     starts a killed broker again
#   scripts/kafka-cluster.sh tool --dir DIR CLASS ARGS...
#       runs an Apache Kafka tool against the cluster as its admin user (--bootstrap-server and
#       --command-config added), e.g. kafka.admin.AclCommand --remove ..., or
#       org.apache.kafka.tools.TopicCommand --alter --topic T --partitions 9
set -euo pipefail
# 3.9.1, not 4.x: Debian 12's librdkafka (2.0.2), which the services and kcat use, fails SCRAM
# authentication against Apache Kafka 4 brokers ("invalid credentials"; edenhill/kcat#462,
# fixed in librdkafka 2.6.1), while Java clients succeed. docs/operations.md says so.
# CASEWORK_KAFKA_VERSION=4.1.1 runs a 4.x cluster (for clients with a newer librdkafka).
version=${CASEWORK_KAFKA_VERSION:-3.9.1}
major=${version%%.*}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/casework/kafka-$version
heap=${CASEWORK_KAFKA_HEAP:-320m}
here=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "kafka-cluster: $*" >&2; exit "${2:-1}"; }

fetch() {
  [ -f "$cache/complete" ] && return 0
  command -v mvn >/dev/null || die "mvn (Maven) is needed to resolve Apache Kafka $version" 3
  command -v java >/dev/null || die "java (17) is needed to run Apache Kafka" 3
  mkdir -p "$cache"
  cat >"$cache/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>casework</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$version</version></dependency>
$(if [ "$major" -ge 4 ]; then echo '    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>'; fi)
  </dependencies>
</project>
EOF
  echo "kafka-cluster: resolving Apache Kafka $version from Maven Central into $cache" >&2
  if ! mvn -q -B -f "$cache/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$cache/libs" -DincludeScope=runtime >"$cache/mvn.log" 2>&1; then
    tail -20 "$cache/mvn.log" >&2
    die "could not resolve Apache Kafka $version from Maven Central (log: $cache/mvn.log)" 3
  fi
  ls "$cache/libs"/kafka_2.13-"$version".jar >/dev/null 2>&1 \
    || die "Maven resolved no kafka_2.13-$version.jar" 3
  touch "$cache/complete"
}

# The logging settings of a JVM writing its log to DIR (log4j 2 from Kafka 4, log4j 1 before).
log_opts() {  # DIR
  if [ "$major" -ge 4 ]; then
    echo "-Dlog4j2.configurationFile=$dir/log4j2.yaml -Dkafka.logs.dir=$1"
  else
    echo "-Dlog4j.configuration=file:$dir/log4j.properties -Dkafka.logs.dir=$1"
  fi
}

# java with the broker's classpath, for the command-line tools: CLASS ARGS...
kjava() {
  # shellcheck disable=SC2046
  java -Xmx"$heap" -Xms64m -XX:+UseSerialGC $(log_opts "$dir") -cp "$cache/libs/*" "$@"
}


free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

users="admin ehc-assessments annual-reviews transport complaints projection statutory-returns backoffice"

node_start() {  # NODE
  local n=$1
  # shellcheck disable=SC2046
  nohup java -Xmx"$heap" -Xms64m -XX:+UseSerialGC $(log_opts "$dir/node$n") \
    -cp "$cache/libs/*" kafka.Kafka "$dir/node$n/server.properties" \
    >>"$dir/node$n/kafka.out" 2>&1 &
  echo $! >"$dir/node$n/pid"
}

node_stop() {  # NODE SIGNAL
  local pid
  pid=$(cat "$dir/node$1/pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill "-$2" "$pid" 2>/dev/null || true
}

node_wait_exit() {  # NODE: up to 30 s, then kill -9
  local pid
  pid=$(cat "$dir/node$1/pid" 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

cluster_stop() {
  local n
  for n in $(seq 1 "$(cat "$dir/brokers")"); do node_stop "$n" TERM; done
  for n in $(seq 1 "$(cat "$dir/brokers")"); do
    local pid
    pid=$(cat "$dir/node$n/pid" 2>/dev/null || true)
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

start() {
  fetch
  if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/casework-kafka.XXXXXX); fi
  mkdir -p "$dir/secrets"
  chmod 700 "$dir/secrets"
  echo "$brokers" >"$dir/brokers"
  cat >"$dir/log4j2.yaml" <<'EOF'
Configuration:
  Appenders:
    RollingFile:
      name: File
      fileName: "${sys:kafka.logs.dir}/server.log"
      filePattern: "${sys:kafka.logs.dir}/server.log.%i"
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
      Policies:
        SizeBasedTriggeringPolicy:
          size: 20MB
      DefaultRolloverStrategy:
        max: 2
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        ref: File
EOF
  cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  local u n voters="" bootstrap="" cluster_id
  for u in $users; do
    [ -f "$dir/secrets/$u" ] || (umask 077; python3 -c 'import secrets; print(secrets.token_hex(16))' >"$dir/secrets/$u")
  done
  for n in $(seq 1 "$brokers"); do
    mkdir -p "$dir/node$n/data"
    echo "$(free_port) $(free_port)" >"$dir/node$n/ports"
    read -r client controller <"$dir/node$n/ports"
    voters="$voters${voters:+,}$n@127.0.0.1:$controller"
    bootstrap="$bootstrap${bootstrap:+,}127.0.0.1:$client"
  done
  local isr=2 rf=$brokers
  [ "$brokers" -ge 3 ] || isr=1
  for n in $(seq 1 "$brokers"); do
    read -r client controller <"$dir/node$n/ports"
    cat >"$dir/node$n/server.properties" <<EOF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=CLIENT://127.0.0.1:$client,CONTROLLER://127.0.0.1:$controller
advertised.listeners=CLIENT://127.0.0.1:$client
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=CLIENT
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$dir/secrets/admin")";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
# The brokers' own user, and the controllers on their loopback-only listener.
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
auto.create.topics.enable=false
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
group.initial.rebalance.delay.ms=0
unclean.leader.election.enable=false
log.dirs=$dir/node$n/data
EOF
  done
  # A cluster id as Kafka makes them: a random UUID, base64url without padding.
  # A Kafka cluster id: 16 random bytes in URL-safe base64, never starting with "-" (the tools
  # would take it for an option; Kafka's own Uuid.randomUuid draws again for the same reason).
  cluster_id=$(python3 -c 'import base64, uuid
while True:
    u = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not u.startswith("-"):
        break
print(u)')
  local scram=()
  for u in $users; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$u,password=$(cat "$dir/secrets/$u")]")
  done
  local formatting=()
  for n in $(seq 1 "$brokers"); do
    kjava kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/node$n/server.properties" \
      "${scram[@]}" >"$dir/node$n/format.out" 2>&1 &
    formatting+=($!)
  done
  for n in $(seq 1 "$brokers"); do
    wait "${formatting[$((n - 1))]}" \
      || { cat "$dir/node$n/format.out" >&2; die "formatting node $n failed"; }
  done
  for n in $(seq 1 "$brokers"); do node_start "$n"; done
  cat >"$dir/admin.properties" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$dir/secrets/admin")";
EOF
  echo "$bootstrap" >"$dir/bootstrap"
  # Ready: the admin user can list topics through the cluster.
  local ok=0
  for _ in $(seq 1 150); do
    if kjava org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" \
        --command-config "$dir/admin.properties" --list >/dev/null 2>&1; then ok=1; break; fi
    for n in $(seq 1 "$brokers"); do
      kill -0 "$(cat "$dir/node$n/pid")" 2>/dev/null \
        || { tail -20 "$dir/node$n/kafka.out" "$dir/node$n/server.log" >&2 2>/dev/null || true
             die "broker $n exited while starting (logs in $dir/node$n)"; }
    done
    sleep 0.5
  done
  [ "$ok" = 1 ] || { cluster_stop; die "the cluster did not answer within 75 s (logs in $dir)"; }
  # casework's topics, users and ACLs: the production definitions, each command queued and
  # the queue applied by one Admin client (scripts/kafka/ApplyDefinitions.java).
  local queue=$dir/definitions.queue
  : >"$queue"
  queue() { local IFS=$'\t'; echo "$*" >>"$queue"; }
  kafka_topics() { queue topics "$@"; }
  kafka_configs() { queue configs "$@"; }
  kafka_acls() { queue acls "$@"; }
  secret() { cat "$dir/secrets/$1"; }
  replication=$rf
  # shellcheck source=deploy/kafka/definitions.sh
  . "$here/deploy/kafka/definitions.sh"
  # shellcheck disable=SC2046
  java -Xmx"$heap" -XX:+UseSerialGC $(log_opts "$dir") -cp "$cache/libs/*" \
    "$here/scripts/kafka/ApplyDefinitions.java" "$bootstrap" "$dir/admin.properties" "$queue" \
    >"$dir/definitions.out" 2>&1 \
    || { tail -20 "$dir/definitions.out" >&2; cluster_stop; die "applying deploy/kafka/definitions.sh failed"; }
  {
    echo "export CASEWORK_BROKERS=$bootstrap"
    echo "export CASEWORK_KAFKA_CLUSTER_DIR=$dir"
    for u in $users; do
      local var
      var=$(echo "$u" | tr 'a-z-' 'A-Z_')
      echo "export CASEWORK_KAFKA_CONFIG_$var=acks=all,security.protocol=SASL_PLAINTEXT,sasl.mechanisms=SCRAM-SHA-512,sasl.username=$u"
      echo "export CASEWORK_KAFKA_PASSWORD_FILE_$var=$dir/secrets/$u"
    done
  } >"$dir/cluster.env"
  echo "kafka-cluster: $brokers brokers of Apache Kafka $version at $bootstrap (settings: $dir/cluster.env)"
}

cmd=${1:-start}
[ $# -gt 0 ] && shift
brokers=3 dir="" detach=0 node=""
if [ "$cmd" = tool ]; then
  [ "${1:-}" = --dir ] && [ $# -ge 3 ] || die "tool needs --dir DIR CLASS ARGS..." 2
  dir=$2
  shift 2
  bootstrap=$(sed -n 's/^export CASEWORK_BROKERS=//p' "$dir/cluster.env")
  tool_class=$1
  shift
  kjava "$tool_class" --bootstrap-server "$bootstrap" --command-config "$dir/admin.properties" "$@"
  exit
fi
while [ $# -gt 0 ]; do
  case $1 in
    --brokers) brokers=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --detach) detach=1; shift ;;
    [0-9]*) node=$1; shift ;;
    *) die "unknown argument '$1' (see the comment at the top of $0)" 2 ;;
  esac
done
case $cmd in
  fetch) fetch; echo "kafka-cluster: Apache Kafka $version in $cache" ;;
  start)
    start
    if [ "$detach" = 0 ]; then
      trap 'cluster_stop; exit 0' INT TERM
      echo "Ctrl-C stops the cluster."
      while true; do sleep 3600 & wait $!; done
    fi
    ;;
  stop) [ -n "$dir" ] || die "stop needs --dir DIR" 2; cluster_stop ;;
  kill) [ -n "$dir" ] && [ -n "$node" ] || die "kill needs NODE and --dir DIR" 2
    node_stop "$node" KILL; node_wait_exit "$node" ;;
  stop-node) [ -n "$dir" ] && [ -n "$node" ] || die "stop-node needs NODE and --dir DIR" 2
    node_stop "$node" TERM; node_wait_exit "$node" ;;
  restart) [ -n "$dir" ] && [ -n "$node" ] || die "restart needs NODE and --dir DIR" 2; node_start "$node" ;;
  *) die "unknown command '$cmd': fetch, start, stop, kill, stop-node, restart or tool" 2 ;;
esac
