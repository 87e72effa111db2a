#!/usr/bin/env bash
# Fuzzes the REST API against its own OpenAPI document with schemathesis.
#
# Starts the debug mock server on a temporary database, then runs schemathesis over
# /api/openapi.json twice: anonymously, and logged in as a user this script registers (with
# a paired charger, an RFID card, a recorded charge, a share and an invitation, so that
# requests reach past the 404s). Fails on any answer >= 500 and on any answer the document
# does not describe (status, content type, body schema). Prints the figures at the end.
#
#   tools/fuzz-api.sh                      about 2 minutes; needs `cargo build -p charge-mock-server`
#   FUZZ_EXAMPLES=100 tools/fuzz-api.sh    more test cases per operation
#   FUZZ_SEED=1234 tools/fuzz-api.sh       replay a run (the seed is printed)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/charge-portal/target}"
SERVER="${FUZZ_SERVER:-$CARGO_TARGET_DIR/debug/charge-mock-server}"
VENV="${CP_VENV:-$HOME/.cache/charge-portal/venv}"
EXAMPLES="${FUZZ_EXAMPLES:-15}"
SEED="${FUZZ_SEED:-$RANDOM$RANDOM}"
CHECKS="${FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance}"

[ -x "$SERVER" ] || { echo "fuzz-api: no server at $SERVER (cargo build -p charge-mock-server)" >&2; exit 1; }
[ -x "$VENV/bin/schemathesis" ] || { echo "fuzz-api: no schemathesis in $VENV (./tasks.sh setup)" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/charge-portal-fuzz.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "${FUZZ_KEEP:-}" ]; then echo "fuzz-api: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

PORT="${FUZZ_PORT:-$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$WORK/dist"
"$SERVER" --addr "127.0.0.1:$PORT" --database "$WORK/db.sqlite" --dist "$WORK/dist" \
  --market-fetch false --sim-random-events false --sim-seed 1 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do
  curl -fs "$BASE/api/openapi.json" -o "$WORK/openapi.json" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done
[ -s "$WORK/openapi.json" ] || { echo "fuzz-api: the server did not start" >&2; exit 1; }

# The logged-in user's world, and the schemathesis settings that aim path parameters at it.
BASE="$BASE" WORK="$WORK" "$VENV/bin/python" - <<'PY'
import json, os, urllib.request, urllib.error

base, work = os.environ["BASE"], os.environ["WORK"]
password = "fuzzing charge portal"

def call(method, path, body=None, cookie=None, expect=(200, 201, 202, 204)):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if cookie:
        request.add_header("cookie", cookie)
    try:
        with urllib.request.urlopen(request) as response:
            status, headers, text = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, text = error.code, error.headers, error.read()
    if status not in expect:
        raise SystemExit(f"fuzz-api: {method} {path} answered {status}: {text[:300]!r}")
    return headers, (json.loads(text) if text else None)

def user(email):
    call("POST", "/api/auth/register", {"email": email, "password": password, "name": "Fuzz"})
    _, mails = call("GET", "/api/dev/outbox?to=" + email)
    token = next(m["link"] for m in mails if m.get("link") and "/confirm?token=" in m["link"]).split("token=")[1]
    call("POST", "/api/auth/confirm", {"token": token})
    headers, _ = call("POST", "/api/auth/login", {"email": email, "password": password})
    cookie = next(c for c in headers.get_all("set-cookie") if c.startswith("cp_session="))
    return cookie.split(";")[0]

owner, friend = user("owner@fuzz.example"), user("friend@fuzz.example")
_, unpaired = call("GET", "/api/dev/chargers/unpaired")
chargers = []
for model in ("trydan", "pole_pro"):
    found = next(c["id"] for c in unpaired if c["model"] == model)
    call("POST", "/api/chargers", {"id": found, "name": model}, owner)
    chargers.append(found)
main = chargers[0]
call("POST", f"/api/dev/chargers/{main}/car", {"plugged": True})
_, card = call("POST", f"/api/chargers/{main}/cards", {"code": "04A32BF1", "name": "Card"}, owner)
call("POST", f"/api/dev/chargers/{main}/sessions", {"started_at": 1_750_000_000, "minutes": 90, "power_w": 7400})
_, history = call("GET", "/api/sessions", cookie=owner)
session = history["rows"][0]["id"]
call("POST", f"/api/chargers/{main}/shares", {"email": "friend@fuzz.example", "role": "viewer"}, owner)
_, received = call("GET", "/api/invitations", cookie=friend)
call("POST", f"/api/invitations/{received[0]['id']}/accept", cookie=friend)
_, sharing = call("POST", f"/api/chargers/{main}/shares", {"email": "third@fuzz.example", "role": "editor"}, owner)
friend_id = sharing["shares"][0]["user_id"]
invitation = sharing["invitations"][0]["id"]
_, sessions = call("GET", "/api/account/sessions", cookie=owner)
own_session = next(s["id"] for s in sessions if s["current"])

with open(os.path.join(work, "charger"), "w") as f:
    f.write(main)

# Known values are drawn most of the time; the rest are generated, as usual.
values = {
    "chargers": chargers, "cards": [card["id"]], "charges": [session], "users": [friend_id],
    "invitations": [invitation], "sessions": [own_session + 1000],
}
bindings = {"id": "chargers", "card": "cards", "session": "charges", "user": "users", "invitation": "invitations"}
common = "".join(f"[dictionaries.{name}]\nvalues = {json.dumps(entries)}\n\n" for name, entries in values.items())
common += "[parameters]\n" + "".join(
    f'"path.{parameter}" = {{ dictionary = "{dictionary}", probability = 0.7 }}\n' for parameter, dictionary in bindings.items()
)
with open(os.path.join(work, "anonymous.toml"), "w") as f:
    f.write(common)
# The session cookie as the document's `session` scheme: schemathesis also tries without it.
with open(os.path.join(work, "logged-in.toml"), "w") as f:
    f.write(common + f'\n[auth.openapi.session]\napi_key = "{owner.split("=", 1)[1]}"\n')
PY

CHARGER="$(cat "$WORK/charger")"

run() {
  local name="$1" config="$2"
  shift 2
  echo "==> schemathesis: $name"
  local status=0
  "$VENV/bin/schemathesis" --config-file "$WORK/$config.toml" run "$BASE/api/openapi.json" \
    --checks "$CHECKS" --phases examples,coverage,fuzzing --max-examples "$EXAMPLES" --seed "$SEED" \
    --request-timeout 10 --workers 1 --no-color --suppress-health-check all \
    --report json --report-json-path "$WORK/$name.json" "$@" >"$WORK/$name.log" 2>&1 || status=$?
  tail -n 40 "$WORK/$name.log"
  return $status
}

failed=0
run anonymous anonymous || failed=1
# The charger comes back online if the anonymous pass cut it off (`/api/dev/.../connection`).
curl -fs -X POST "$BASE/api/dev/chargers/$CHARGER/connection" -H 'content-type: application/json' -d '{"online": true}'
# Logged in: `/api/events` never ends; logout, account deletion and unpairing would pull the
# ground from under the other operations, so they run last, alone.
LAST=("POST /api/auth/logout" "DELETE /api/account" "DELETE /api/chargers/{id}")
run logged-in logged-in --exclude-path /api/events --exclude-tag dev \
  "${LAST[@]/#/--exclude-name=}" || failed=1
run logged-in-last logged-in "${LAST[@]/#/--include-name=}" || failed=1

cat "$WORK"/*.json | head -c 3000
exit $failed
