#!/usr/bin/env bash
# The web app in a real browser (Debian's Chromium driven by Playwright) against
# casework-dev --demo: signs in through the dev OpenID Connect provider and checks the
# pages against the gRPC answers (casectl --json). Usage: browser_test.sh BIN_DIR SRC_DIR
set -euo pipefail
bin=$1
src=$2
app="$src/services/web/app"
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
work=$DEV_WORK
fail() { dev_fail "BROWSER TEST: $*"; }

[ -x /usr/bin/chromium ] || fail "Debian's chromium is not installed (scripts/setup.sh installs it)"
[ -f "$bin/../web-app/index.html" ] || fail "the web app is not built ($bin/../web-app)"
[ -d "$app/node_modules/@playwright/test" ] || fail "npm ci has not run in $app"

dev_stack_start "$bin" --demo --demo-children 400
grep -q "demo loaded" "$DEV_OUT" || fail "the demo did not load"
# The read side has every event before the figures are compared.
mkdir -p "$work/py"
protoc -I "$src/proto" --python_out="$work/py" "$src"/proto/casework/v1/*.proto
PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/e2e/sen2_check.py" wait "$CASEWORK_BROKERS" "$CASEWORK_RETURNS_ADDR" \
  "$CASEWORK_PROJECTION_ADDR" "$CASEWORK_ADMIN_TOKEN" "$work/var/metrics.env" || fail "the consumers did not catch up"

# The dev provider refuses what OpenID Connect with PKCE refuses: an address that is not the
# app's, no PKCE, a code used twice, a verifier that does not match.
/usr/bin/python3 - "$CASEWORK_AUTH_ISSUER" "$CASEWORK_WEB_URL" <<'PY' || fail "the dev provider's refusals"
import base64, hashlib, json, sys, urllib.error, urllib.parse, urllib.request
issuer, app = sys.argv[1], sys.argv[2].rstrip("/")
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(NoRedirect)
def call(path, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        r = opener.open(issuer + path, data=data)
        return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
verifier = b64(b"v" * 40)
base = dict(response_type="code", client_id="casework-web", redirect_uri=app + "/signin-callback",
            scope="openid profile", state="s", nonce="n", code_challenge_method="S256",
            code_challenge=b64(hashlib.sha256(verifier.encode()).digest()))
status, _, body = call("/authorize?" + urllib.parse.urlencode(dict(base, redirect_uri="https://evil.example/cb")))
assert status == 400 and "is not an address of the casework app" in body, (status, body)
status, _, body = call("/authorize?" + urllib.parse.urlencode(dict(base, code_challenge="")))
assert status == 400 and "PKCE is required" in body, (status, body)
status, headers, _ = call("/authorize", dict(base, user="officer-01"))
assert status == 303, status
code = urllib.parse.parse_qs(urllib.parse.urlparse(headers["Location"]).query)["code"][0]
token = dict(grant_type="authorization_code", code=code, redirect_uri=base["redirect_uri"],
             client_id="casework-web", code_verifier="wrong" * 10)
status, _, body = call("/token", token)
assert status == 400 and json.loads(body)["error"] == "invalid_grant", (status, body)
status, _, body = call("/token", dict(token, code_verifier=verifier))
assert status == 400, (status, body)  # the code was spent by the failed attempt
status, headers, _ = call("/authorize", dict(base, user="officer-01"))
code = urllib.parse.parse_qs(urllib.parse.urlparse(headers["Location"]).query)["code"][0]
status, _, body = call("/token", dict(token, code=code, code_verifier=verifier))
assert status == 200 and json.loads(body)["token_type"] == "Bearer", (status, body)
status, _, body = call("/token", dict(token, code=code, code_verifier=verifier))
assert status == 400 and "unknown, used or expired" in body, (status, body)
print("dev provider refusals: ok")
PY

# The gRPC answers the pages must equal: the last 12 months to today.
to=$(date +%F)
from=$(date -d "$to -1 year +1 day" +%F)
"$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" --json team-scorecard team-north --from "$from" --to "$to" \
  >"$work/team.json" || fail "team scorecard"
"$bin/casectl" --token "$CASEWORK_HEAD_TOKEN" --json la-scorecard --from "$from" --to "$to" \
  >"$work/la.json" || fail "LA scorecard"
"$bin/casectl" --token "$CASEWORK_OFFICER_TOKEN" --json scorecard officer-01 --from "$from" --to "$to" \
  >"$work/officer.json" || fail "officer scorecard"

export CASEWORK_WEB_URL CASEWORK_MANAGER_TOKEN CASEWORK_OFFICER_TOKEN
export CASEWORK_TEST_FROM=$from CASEWORK_TEST_TO=$to
export CASEWORK_TEST_TEAM_JSON=$work/team.json CASEWORK_TEST_LA_JSON=$work/la.json
export CASEWORK_TEST_OFFICER_JSON=$work/officer.json
export CASEWORK_PW_OUT=$work/playwright PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PLAYWRIGHT_BROWSERS_PATH=0
cd "$app"
node node_modules/@playwright/test/cli.js test --config playwright.config.ts || fail "playwright tests"
echo "browser tests passed"
