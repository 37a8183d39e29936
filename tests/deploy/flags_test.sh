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
"$bin/casectl" --help | grep -q "health HOST:PORT" || fail "casectl has no health command"
# An unknown variable name would be caught: check the check.
grep -q "CASEWORK_NO_SUCH_SETTING" <<<"$help" && fail "the check cannot fail"
if command -v docker-compose >/dev/null 2>&1; then
  (cd "$src" && CASEWORK_AUTH_ISSUER=x docker-compose -f docker-compose.yml config -q) \
    || fail "docker-compose config rejects docker-compose.yml"
  echo "docker-compose config: ok"
else
  echo "docker-compose not installed: compose validation skipped"
fi
echo "deploy flags: ok ($(wc -w <<<"$vars") variables)"
