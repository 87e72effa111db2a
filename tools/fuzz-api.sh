#!/usr/bin/env bash
# Fuzzes the REST API against its own OpenAPI document with schemathesis.
#
# Starts the debug mock server on a temporary database, then runs schemathesis over
# /api/openapi.json: anonymously, then logged in as a user this script registers (with paired
# chargers, an RFID card, a recorded charge, shares and invitations, so that requests reach
# past the 404s), then the operations that end the user's world. Fails on any answer >= 500
# and on any answer the document does not describe (status, content type, headers, body
# schema, events of the live stream). Prints the figures at the end.
#
#   tools/fuzz-api.sh                      about 2 minutes; needs `cargo build -p charge-mock-server`
#   FUZZ_EXAMPLES=100 tools/fuzz-api.sh    more test cases per operation
#   FUZZ_SEED=1234 tools/fuzz-api.sh       replay a run (the seed is printed)
#   FUZZ_KEEP=1 tools/fuzz-api.sh          keep the logs, reports and HAR files
set -euo pipefail

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

def login(email):
    headers, _ = call("POST", "/api/auth/login", {"email": email, "password": password})
    cookie = next(c for c in headers.get_all("set-cookie") if c.startswith("cp_session="))
    return cookie.split(";")[0]

def user(email):
    call("POST", "/api/auth/register", {"email": email, "password": password, "name": "Fuzz"})
    _, mails = call("GET", "/api/dev/outbox?to=" + email)
    token = next(m["link"] for m in mails if m.get("link") and "/confirm?token=" in m["link"]).split("token=")[1]
    call("POST", "/api/auth/confirm", {"token": token})
    return login(email)

owner, friend = user("owner@fuzz.example"), user("friend@fuzz.example")
login("owner@fuzz.example")  # another browser: a session the owner may end
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
# An invitation the owner received, to accept or decline.
spare = next(c["id"] for c in unpaired if c["id"] not in chargers)
_, theirs = call("POST", "/api/chargers", {"id": spare, "name": "Theirs"}, friend)
call("POST", f"/api/chargers/{theirs['id']}/shares", {"email": "owner@fuzz.example", "role": "editor"}, friend)
_, received = call("GET", "/api/invitations", cookie=owner)
received_by_owner = received[0]["id"]
_, sessions = call("GET", "/api/account/sessions", cookie=owner)
other_session = next(s["id"] for s in sessions if not s["current"])

with open(os.path.join(work, "charger"), "w") as f:
    f.write(main)

# Path parameters take these known values 70 % of the time (else generated ones, as usual).
dictionaries = {
    "chargers": chargers, "cards": [card["id"]], "charges": [session], "sessions": [other_session],
    "users": [friend_id], "invitations": [invitation, received_by_owner], "passwords": [password],
}
def config(parameters, operations="", cookie=None):
    # Repeated query parameters too (`?to=a&to=b`), which a browser never sends and a client may.
    text = "[phases.coverage]\ngenerate-duplicate-query-parameters = true\n\n"
    text += "".join(f"[dictionaries.{name}]\nvalues = {json.dumps(v)}\n\n" for name, v in dictionaries.items())
    text += "[parameters]\n" + "".join(
        f'"{key}" = {{ dictionary = "{name}", probability = {p} }}\n' for key, (name, p) in parameters.items()
    )
    if cookie:  # The session cookie as the document's `session` scheme: schemathesis also tries without it.
        text += f'\n[auth.openapi.session]\napi_key = "{cookie.split("=", 1)[1]}"\n'
    return text + operations

everywhere = {f"path.{name}": (dictionary, 0.7) for name, dictionary in
              [("id", "chargers"), ("card", "cards"), ("user", "users"), ("invitation", "invitations")]}
# `{session}` is a charge in /api/sessions/{session} and a login in /api/account/sessions/{session};
# the live stream is read for 3 events, not forever.
operations = """
[[operations]]
include-name = "GET /api/sessions/{session}"
parameters = { "path.session" = { dictionary = "charges", probability = 0.7 } }

[[operations]]
include-name = "DELETE /api/account/sessions/{session}"
parameters = { "path.session" = { dictionary = "sessions", probability = 0.7 } }

[[operations]]
include-name = "GET /api/events"
max-stream-events = 3
"""
files = {
    "anonymous": config(everywhere, operations),
    "logged-in": config(everywhere, operations, owner),
    # The friend deletes their account (with their charger, shared with the owner), mostly with
    # the right password so that it really happens: the owner's budget of wrong passwords (429)
    # went on changing the password.
    "delete-account": config({**everywhere, "body.password": ("passwords", 0.9)}, cookie=friend),
}
for name, text in files.items():
    with open(os.path.join(work, name + ".toml"), "w") as f:
        f.write(text)
PY

CHARGER="$(cat "$WORK/charger")"
STARTED=$SECONDS

# One schemathesis run: its log, JSON report and HAR (every request and answer) go to $WORK.
# The phases: the document's examples (it has none yet), the coverage phase (each boundary and
# each kind of invalid value, field by field) and random fuzzing; the stateful phase needs
# OpenAPI links, which the document does not have. One worker: hypothesis is not thread-safe
# under Python 3.11 ("AST constructor recursion depth mismatch").
run() {
  local name="$1" config="$2"
  shift 2
  local status=0
  (cd "$WORK" && "$VENV/bin/schemathesis" --config-file "$config.toml" run "$BASE/api/openapi.json" \
    --checks "$CHECKS" --phases examples,coverage,fuzzing --max-examples "$EXAMPLES" --seed "$SEED" \
    --request-timeout 10 --workers 1 --no-color --suppress-health-check all --generation-database none \
    --report json,har --report-json-path "$name.json" --report-har-path "$name.har" \
    "$@" >"$name.log" 2>&1) || status=$?
  if [ "$status" -ne 0 ]; then
    cat "$WORK/$name.log"
    FAILED=1
  fi
  RUNS+=("$name")
}

FAILED=0
RUNS=()
run anonymous anonymous
# The charger back online in case the anonymous run cut it off (`/api/dev/chargers/{id}/connection`).
curl -fs -X POST "$BASE/api/dev/chargers/$CHARGER/connection" -H 'content-type: application/json' -d '{"online": true}'
# Logged in, without the development helpers (run above; they would take the charger offline).
# Unpairing, deleting the account and logging out pull the ground from under everything else:
# they run last, in that order.
LAST=("DELETE /api/chargers/{id}" "DELETE /api/account" "POST /api/auth/logout")
run logged-in logged-in --exclude-tag dev "${LAST[@]/#/--exclude-name=}"
run unpair logged-in "--include-name=${LAST[0]}"
# Fuzzing only: the coverage phase's wrong passwords would use up the budget before the right one.
run delete-account delete-account "--include-name=${LAST[1]}" --phases fuzzing
run logout logged-in "--include-name=${LAST[2]}"

SECONDS_TAKEN=$((SECONDS - STARTED)) SEED="$SEED" EXAMPLES="$EXAMPLES" WORK="$WORK" \
  "$VENV/bin/python" - "${RUNS[@]}" <<'PY' || FAILED=1
import json, os, sys

work = os.environ["WORK"]
rows, totals = [], [0, 0, 0, 0, 0]
for name in sys.argv[1:]:
    if not os.path.exists(os.path.join(work, name + ".har")):
        rows.append((name, 0, [0, 0, 0, 1, 0]))  # schemathesis did not run (its log is above)
        totals[3] += 1
        continue
    with open(os.path.join(work, name + ".json")) as f:
        report = json.load(f)
    with open(os.path.join(work, name + ".har")) as f:
        entries = json.load(f)["log"]["entries"]
    statuses = [entry["response"]["status"] for entry in entries]
    row = [
        report["test_cases"]["generated"],
        len(statuses),
        report["test_cases"]["with_failures"],
        report["test_cases"]["errored"] + len(report["errors"]),
        sum(status >= 500 for status in statuses),
    ]
    rows.append((name, report["operations"]["tested"], row))
    totals = [a + b for a, b in zip(totals, row)]
print(f"\nAPI fuzzing: schemathesis, seed {os.environ['SEED']}, "
      f"{os.environ['EXAMPLES']} examples per operation and phase, {os.environ['SECONDS_TAKEN']} s")
header = ("run", "operations", "test cases", "requests", "failures", "errors", "5xx")
print("  {:<16}{:>11}{:>12}{:>10}{:>10}{:>8}{:>6}".format(*header))
for name, operations, row in rows:
    print("  {:<16}{:>11}{:>12}{:>10}{:>10}{:>8}{:>6}".format(name, operations, *row))
print("  {:<16}{:>11}{:>12}{:>10}{:>10}{:>8}{:>6}".format("total", "", *totals))
sys.exit(1 if any(totals[2:]) else 0)
PY

if [ "$FAILED" -ne 0 ]; then
  echo "fuzz-api: FAILED (replay with FUZZ_SEED=$SEED)" >&2
  exit 1
fi
