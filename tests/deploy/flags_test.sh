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
for b in ehc-assessments annual-reviews transport complaints projection; do
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
"$bin/casectl" health --help | grep -q "HOST:PORT" || fail "casectl has no health command"
# The probes' command line parses (exit 1: nothing listens there; 2 would be a usage error).
rc=0; "$bin/casectl" --tls-ca /dev/null health 127.0.0.1:1 >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "the health probe's command line does not parse (exit $rc)"
# An unknown variable name would be caught: check the check.
grep -q "CASEWORK_NO_SUCH_SETTING" <<<"$help" && fail "the check cannot fail"
# A --kafka-config that would weaken delivery is refused at start, naming the
# setting, by every service that talks to Kafka.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
if command -v docker-compose >/dev/null 2>&1; then
  (cd "$src" && CASEWORK_AUTH_ISSUER=x docker-compose -f docker-compose.yml config -q) \
    || fail "docker-compose config rejects docker-compose.yml"
  echo "docker-compose config: ok"
else
  echo "docker-compose not installed: compose validation skipped"
fi
echo "deploy flags: ok ($(wc -w <<<"$vars") variables)"
