#!/usr/bin/env bash
# ehc-assessments on its own, over real sockets, with a token minted here:
#  - commands acknowledged, then kill -9 and a restart: none of them lost;
#  - a settable business date (non-production only);
#  - mutual TLS with a CA made at test time: served with a client certificate, refused
#    without one and in plaintext;
#  - without an issuer and a key it refuses to start, saying why; the token is in no log.
# Usage: service_alone_test.sh BIN_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
work=$(mktemp -d)
tracked=()
cleanup() {
  for p in "${tracked[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${tracked[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "SERVICE ALONE FAILED: $*" >&2; tail -20 "$work"/*.err >&2 2>/dev/null || true; exit 1; }
dev_track() { tracked+=("$1"); }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# An HS256 secret and an officer's token for it.
secret="$work/secret"
/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(32))' >"$secret"
CASEWORK_AUTH_ISSUER=https://service-alone.test
CASEWORK_TOKEN=$(/usr/bin/python3 - "$secret" "$CASEWORK_AUTH_ISSUER" <<'PY'
import base64, hashlib, hmac, json, sys, time
key = open(sys.argv[1]).read().strip().encode()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64(json.dumps({"iss": sys.argv[2], "aud": "casework", "sub": "officer-01",
                       "roles": ["officer"], "iat": now, "exp": now + 3600}).encode())
sig = b64(hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest())
print(f"{head}.{body}.{sig}")
PY
)
export CASEWORK_TOKEN
auth_flags=(--auth-issuer "$CASEWORK_AUTH_ISSUER" --auth-hs256-secret-file "$secret")

# kill -9 right after acknowledged commands loses none of them.
port=$(free_port)
"$bin/ehc-assessments" --port "$port" --data-dir "$work/ehc" "${auth_flags[@]}" 2>"$work/ehc.err" &
ehc_pid=$!
dev_track "$ehc_pid"
for _ in $(seq 1 100); do "$bin/casectl" --ehc "127.0.0.1:$port" ehc list --child x >/dev/null 2>&1 && break; sleep 0.1; done
for i in $(seq 1 40); do
  "$bin/casectl" --ehc "127.0.0.1:$port" ehc request --id "k-$i" --child "kc-$i" \
    --officer officer-01 --received 2026-10-01 >/dev/null || fail "command $i not acknowledged"
done
kill -9 "$ehc_pid"; wait "$ehc_pid" 2>/dev/null || true
"$bin/ehc-assessments" --port "$port" --data-dir "$work/ehc" "${auth_flags[@]}" 2>>"$work/ehc.err" &
dev_track $!
for _ in $(seq 1 100); do "$bin/casectl" --ehc "127.0.0.1:$port" ehc list --child x >/dev/null 2>&1 && break; sleep 0.1; done
for i in $(seq 1 40); do
  "$bin/casectl" --ehc "127.0.0.1:$port" ehc show "k-$i" >/dev/null || fail "k-$i lost after kill -9"
done

# A settable business date (non-production only): with --today 2027-06-01 a request received
# on 2027-05-03 - after the real today - is accepted, and its 6-week clock is due 2027-06-14
# (reg 5(1)); a step after the fixed date is still refused.
today_port=$(free_port)
"$bin/ehc-assessments" --port "$today_port" --data-dir "$work/ehc-today" "${auth_flags[@]}" \
  --today 2027-06-01 --non-production 2>"$work/ehc-today.err" &
today_pid=$!
dev_track "$today_pid"
for _ in $(seq 1 100); do "$bin/casectl" --ehc "127.0.0.1:$today_port" ehc list --child x >/dev/null 2>&1 && break; sleep 0.1; done
grep -q "NON-PRODUCTION: the business date is fixed" "$work/ehc-today.err" || fail "--today not logged"
"$bin/casectl" --ehc "127.0.0.1:$today_port" ehc request --id t-1 --child tc-1 --officer officer-01 \
  --received 2027-05-03 >/dev/null || fail "a request dated before the fixed today was refused"
"$bin/casectl" --ehc "127.0.0.1:$today_port" --json ehc show t-1 >"$work/today.json" || fail "show t-1"
/usr/bin/python3 - "$work/today.json" <<'PY' || fail "clock not as of --today: $(cat "$work/today.json")"
import json, sys
a = json.load(open(sys.argv[1]))
due = [c["due_on"] for c in a["clocks"] if c["clock_id"] == "decision"][0]
assert (due["year"], due["month"], due["day"]) == (2027, 6, 14), due
PY
if "$bin/casectl" --ehc "127.0.0.1:$today_port" ehc request --id t-2 --child tc-2 \
  --officer officer-01 --received 2027-06-02 2>"$work/err"; then
  fail "a request after the fixed today was accepted"
fi
kill -TERM "$today_pid"; wait "$today_pid" || fail "the --today service did not stop cleanly"

# mTLS on the real binary with a CA made now: casectl with a client certificate is served,
# without one it is refused.
tls="$work/tls"; mkdir -p "$tls"
ossl() { openssl "$@" >/dev/null 2>&1 || fail "openssl $1"; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=e2e CA" \
  -keyout "$tls/ca.key" -out "$tls/ca.pem"
for who in server client; do
  ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" \
    -keyout "$tls/$who.key" -out "$tls/$who.csr"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$tls/$who.ext"
  ossl x509 -req -days 1 -in "$tls/$who.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -extfile "$tls/$who.ext" -out "$tls/$who.pem"
done
tls_port=$(free_port)
"$bin/ehc-assessments" --port "$tls_port" --data-dir "$work/ehc-tls" "${auth_flags[@]}" \
  --tls-cert "$tls/server.pem" --tls-key "$tls/server.key" --tls-client-ca "$tls/ca.pem" \
  2>"$work/ehc-tls.err" &
dev_track $!
tls_ok=0
for _ in $(seq 1 100); do
  if "$bin/casectl" --ehc "localhost:$tls_port" --tls-ca "$tls/ca.pem" --tls-cert "$tls/client.pem" \
    --tls-key "$tls/client.key" ehc list --child x >/dev/null 2>&1; then tls_ok=1; break; fi
  sleep 0.1
done
[ "$tls_ok" = 1 ] || fail "mTLS client not served: $(cat "$work/ehc-tls.err")"
if "$bin/casectl" --ehc "localhost:$tls_port" --tls-ca "$tls/ca.pem" ehc list --child x 2>/dev/null; then
  fail "mTLS server served a client without a certificate"
fi
if "$bin/casectl" --ehc "localhost:$tls_port" ehc list --child x 2>/dev/null; then
  fail "TLS server served a plaintext client"
fi
grep -q 'tls=mutual' "$work/ehc-tls.err" || fail "server did not log mutual TLS"

# The token is in no log.
if grep -qF "$CASEWORK_TOKEN" "$work"/*.err; then fail "the token was logged"; fi
# Without an issuer and a key a service refuses to start, saying why.
if "$bin/ehc-assessments" --port 0 --data-dir "$work/noauth" 2>"$work/noauth.err"; then
  fail "started without authentication"
fi
grep -q "authentication is required" "$work/noauth.err" || fail "no reason: $(cat "$work/noauth.err")"
echo "service alone: ok"
