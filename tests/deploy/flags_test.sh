#!/usr/bin/env bash
# The deployment files agree with the binaries: every CASEWORK_* variable that
# docker-compose.yml and deploy/k8s/ set is one a binary documents in --help (and so
# accepts), every command they run exists, and the compose file validates with
# `docker-compose config` when the tool is installed.
# Usage: flags_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
fail() { echo "DEPLOY TEST FAILED: $*" >&2; exit 1; }
help=""
for b in ehc-assessments annual-reviews transport complaints projection statutory-returns web; do
  [ -x "$bin/$b" ] || fail "no binary $b"
  help+=$("$bin/$b" --help)
done
files=("$src/docker-compose.yml" "$src"/deploy/k8s/*.yaml)
vars=$(cat "${files[@]}" | grep -v '^ *#' | grep -oE 'CASEWORK_[A-Z0-9_]+' | sort -u)
[ -n "$vars" ] || fail "no CASEWORK_ variables found"
for v in $vars; do
  grep -q "$v" <<<"$help" || fail "$v is set by the deployment files but no binary accepts it"
done
# Commands the files run.
for c in $(grep -ohE 'command: \["[a-z-]+"' "${files[@]}" | sed 's/.*\["//; s/"//' | sort -u); do
  [ -x "$bin/$c" ] || fail "the deployment runs '$c', which is not built"
done
grep -q '"casectl", *"health"\|casectl", "--tls-ca"' "${files[@]}" || fail "no health checks"
rc=0; "$bin/web" probe 127.0.0.1:1 >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "the web probe's command line does not parse (exit $rc)"
"$bin/casectl" health --help | grep "HOST:PORT" >/dev/null || fail "casectl has no health command"
# The probes' command line parses (exit 1: nothing listens there; 2 would be a usage error).
rc=0; "$bin/casectl" --tls-ca /dev/null health 127.0.0.1:1 >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "the health probe's command line does not parse (exit $rc)"
# An unknown variable name would be caught: check the check.
grep -q "CASEWORK_NO_SUCH_SETTING" <<<"$help" && fail "the check cannot fail"
# A --kafka-config that would weaken delivery is refused at start, naming the
# setting, by every service that talks to Kafka.
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
tmp=$DEV_WORK
echo "flags-test-secret-0123456789abcdef0123" >"$tmp/secret"
for b in ehc-assessments annual-reviews transport complaints projection; do
  for setting in acks=1 enable.idempotence=false auto.offset.reset=latest auto.offset.reset=earliest \
    enable.auto.commit=true; do
    case "$b:$setting" in
      projection:acks=1|projection:enable.idempotence=false) continue ;;  # projection only consumes
    esac
    rc=0
    out=$(timeout 20 "$bin/$b" --data-dir "$tmp/$b" --audit-dir "$tmp/$b-audit" --port 0 \
      --brokers 127.0.0.1:1 --kafka-config "$setting" --auth-issuer t \
      --auth-hs256-secret-file "$tmp/secret" 2>&1 </dev/null) || rc=$?
    [ "$rc" = 2 ] || fail "$b started (exit $rc) with --kafka-config $setting"
    grep -q -- "--kafka-config: $setting would weaken delivery guarantees" <<<"$out" \
      || fail "$b did not name $setting: $out"
  done
done
echo "weakening kafka settings refused: ok"

# A fixed business date is for non-production stacks only: refused without --non-production,
# named; a date that is not one is refused too.
for b in ehc-assessments annual-reviews transport complaints projection; do
  rc=0
  out=$(timeout 20 "$bin/$b" --data-dir "$tmp/today-$b" --port 0 --today 2027-01-21 \
    --auth-issuer t --auth-hs256-secret-file "$tmp/secret" 2>&1 </dev/null) || rc=$?
  [ "$rc" = 2 ] && grep -q -- "--non-production" <<<"$out" || fail "$b took --today alone: $out"
  rc=0
  out=$(timeout 20 "$bin/$b" --data-dir "$tmp/today-$b" --port 0 --today 2027-02-30 \
    --non-production --auth-issuer t --auth-hs256-secret-file "$tmp/secret" 2>&1 </dev/null) || rc=$?
  [ "$rc" = 2 ] && grep -q -- "--today: '2027-02-30'" <<<"$out" || fail "$b took a bad --today: $out"
done
echo "--today needs --non-production: ok"

# SASL/SCRAM as the deployment files configure it (docs/operations.md, "Who may write to the
# topics"): the password comes from a file, never from --kafka-config; a mechanism librdkafka
# does not know is refused at start; against the embedded broker (which has no SASL) the
# service really attempts the handshake, says so, keeps taking commands, and never logs the
# password.
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
printf 'Scram-Pa55word-for-the-test\n' >"$tmp/kafka.password"
chmod 600 "$tmp/kafka.password"
sasl=security.protocol=SASL_PLAINTEXT,sasl.mechanisms=SCRAM-SHA-512,sasl.username=ehc-assessments
rc=0
out=$(timeout 20 "$bin/ehc-assessments" --data-dir "$tmp/sasl0" --port 0 --brokers 127.0.0.1:1 \
  --kafka-config "$sasl,sasl.password=x" --auth-issuer t --auth-hs256-secret-file "$tmp/secret" \
  2>&1 </dev/null) || rc=$?
[ "$rc" = 2 ] && grep -q -- "--kafka-password-file" <<<"$out" || fail "a password in --kafka-config: $out"
rc=0
out=$(timeout 20 "$bin/ehc-assessments" --data-dir "$tmp/sasl1" --port 0 --brokers 127.0.0.1:1 \
  --kafka-config "${sasl/SHA-512/SHA-999}" --kafka-password-file "$tmp/kafka.password" \
  --auth-issuer t --auth-hs256-secret-file "$tmp/secret" 2>&1 </dev/null) || rc=$?
[ "$rc" = 2 ] && grep -q "SCRAM-SHA-999" <<<"$out" || fail "an unknown SASL mechanism: $out"
dev_stack_start "$bin"
sasl_port=$(free_port)
CASEWORK_KAFKA_PASSWORD_FILE="$tmp/kafka.password" "$bin/ehc-assessments" --port "$sasl_port" \
  --data-dir "$tmp/sasl2" --brokers "$CASEWORK_BROKERS" --kafka-config "$sasl" \
  --auth-issuer "$CASEWORK_AUTH_ISSUER" --auth-hs256-secret-file "$DEV_WORK/var/auth/dev-hs256.secret" \
  2>"$tmp/sasl.err" &
sasl_pid=$!
dev_track "$sasl_pid"
for _ in $(seq 1 150); do grep -q "SASL" "$tmp/sasl.err" 2>/dev/null && break; sleep 0.2; done
grep -q "SASL" "$tmp/sasl.err" || fail "no SASL handshake attempted: $(cat "$tmp/sasl.err")"
"$bin/casectl" --ehc "127.0.0.1:$sasl_port" ehc request --id sasl-1 --child sasl-child \
  --officer officer-01 --received 2026-11-02 >/dev/null || fail "no command accepted during the SASL outage"
if grep -q "Scram-Pa55word" "$tmp/sasl.err" "$DEV_ERR"; then fail "the Kafka password was logged"; fi
echo "SASL/SCRAM configuration: ok"
if command -v docker-compose >/dev/null 2>&1; then
  (cd "$src" && CASEWORK_AUTH_ISSUER=x docker-compose -f docker-compose.yml config -q) \
    || fail "docker-compose config rejects docker-compose.yml"
  echo "docker-compose config: ok"
else
  echo "docker-compose not installed: compose validation skipped"
fi
echo "deploy flags: ok ($(wc -w <<<"$vars") variables)"
