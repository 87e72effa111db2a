#!/usr/bin/env bash
# Charge Portal's task runner. Every task sets up what it needs first (idempotently:
# a warm machine skips what is already installed).
#
#   ./tasks.sh serve   build the portal (release) and run it with the mock server
#   ./tasks.sh test    fmt, clippy, Rust tests, then Playwright against the release build
#   ./tasks.sh dev     mock server + `trunk serve` with live reload (development loop)
#   ./tasks.sh bench   print the performance figures (bundle sizes, first render, …);
#                      `./tasks.sh bench login statistics` runs only those browser sections
#                      (login, list, statistics, lighthouse)
#   ./tasks.sh setup   only install the tools
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
# wasm-split-cli (tools/split-wasm.mjs): must read what leptos' wasm_split macros (Cargo.lock) write.
WASM_SPLIT_VERSION="0.2.4"
SCHEMATHESIS_VERSION="4.32.5"
# Must equal the wasm-bindgen version in Cargo.lock (and Trunk.toml).
WASM_BINDGEN_VERSION="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')"

# Reuse one build directory across clones (CI runs in a fresh clone on a warm machine).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/charge-portal/target}"
export PATH="$ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
SERVER_DEBUG="$CARGO_TARGET_DIR/debug/charge-mock-server"
SERVER_RELEASE="$CARGO_TARGET_DIR/release/charge-mock-server"
# Python tools: schemathesis (fuzzes the API against its OpenAPI document), ocpp and websockets.
export CP_VENV="${CP_VENV:-$HOME/.cache/charge-portal/venv}"

log() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

setup() {
  log "Rust toolchain and wasm target"
  rustup show active-toolchain >/dev/null
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    log "Installing trunk $TRUNK_VERSION (about 15 minutes on a cold machine)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    log "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 11 minutes on a cold machine)"
    # Not --locked: one of its locked dependency versions is missing from the registry mirror.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  # wasm-split-cli has no --version: cargo's list of installed crates tells.
  if ! command -v wasm-split-cli >/dev/null \
    || ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    log "Installing wasm-split-cli $WASM_SPLIT_VERSION (about 2 minutes on a cold machine)"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --force
  fi

  log "npm packages (wasm-opt from binaryen, Playwright, axe, the OpenID provider of the e2e tests)"
  npm_ci tools
  npm_ci end2end
  npm_ci end2end/oidc

  if ! "$CP_VENV/bin/python" -c "import ocpp, websockets, schemathesis, pytrydan, pytest, requests
assert schemathesis.__version__ == '$SCHEMATHESIS_VERSION'" 2>/dev/null; then
    log "Python tools in $CP_VENV: schemathesis $SCHEMATHESIS_VERSION, ocpp, websockets"
    [ -x "$CP_VENV/bin/pip" ] || python3 -m venv "$CP_VENV"
    "$CP_VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" ocpp websockets "pytrydan==0.8.1" pytest requests
  fi

  if [ ! -x /usr/bin/chromium ]; then
    log "Installing Debian's Chromium for the browser tests"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
}

# `npm ci` unless node_modules was installed from this very lockfile.
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.lockfile.sha256"
  local want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
}

build_portal() {
  log "Building the portal (release): the app bundle, then the public bundle into dist/public"
  trunk build --release
  trunk build public.html --release --dist dist/public --public-url /public/
  node tools/precompress.mjs dist
}

serve() {
  setup
  build_portal
  log "Building the mock server (release)"
  cargo build --release -p charge-mock-server
  log "Starting Charge Portal on http://${CP_ADDR:-127.0.0.1:8080} (database: ${CP_DATABASE:-charge-portal.sqlite})"
  exec "$SERVER_RELEASE" --dist "$ROOT/dist" "$@"
}

dev() {
  setup
  cargo build -p charge-mock-server
  log "Mock server on http://127.0.0.1:8080 (API), portal with live reload on http://127.0.0.1:8081"
  "$SERVER_DEBUG" --addr 127.0.0.1:8080 --public-url http://127.0.0.1:8081 --dist "$ROOT/dist" &
  local server=$!
  trap 'kill $server 2>/dev/null' EXIT
  trunk serve --port 8081 --address 127.0.0.1
}

test_all() {
  setup
  log "cargo fmt --check"
  cargo fmt --all --check
  log "cargo clippy"
  cargo clippy --workspace --all-targets -- -D warnings
  cargo clippy --target wasm32-unknown-unknown -p charge-portal --all-targets -- -D warnings
  log "cargo test"
  cargo test --workspace
  cargo build -p charge-mock-server
  log "Clients nobody here wrote: OCPP charge points (mobilityhouse ocpp) and pytrydan against the server"
  CP_SERVER="$SERVER_DEBUG" "$CP_VENV/bin/pytest" mock-server/tests/python -q -p no:cacheprovider
  log "schemathesis over the OpenAPI document (anonymous and logged in)"
  tools/fuzz-api.sh
  build_portal
  log "Playwright (release build, real mock server, fresh database)"
  (cd end2end && E2E_SERVER="$SERVER_DEBUG" npx playwright test)
  log "All tests passed"
}

bench() {
  setup
  build_portal
  cargo build --release -p charge-mock-server
  (cd end2end && E2E_SERVER="$SERVER_RELEASE" DIST="$ROOT/dist" node bench/run.mjs "$@")
  # Named sections are browser figures only; the Rust benchmarks run with the whole bench.
  if [ "$#" -eq 0 ]; then
    cargo bench -p charge-mock-server --bench api_load
    cargo bench -p charge-model --bench pricing
    cargo bench -p charge-model --bench planning
    cargo bench -p charge-mock-server --bench statistics
    # 2,000 OCPP charge points for 90 s (about 3 minutes with set-up; BENCH_OCPP_SECS shortens it).
    cargo bench -p charge-mock-server --bench ocpp_load
  fi
}

# A demo OCPP charge point against a local server: pair "Any OCPP 1.6J charger" in the portal,
# then `./tasks.sh demo-charge-point --id <charge point ID> --password <password>`.
demo_charge_point() {
  setup
  exec "$CP_VENV/bin/python" "$ROOT/tools/demo-charge-point.py" --endpoint "ws://${CP_ADDR:-127.0.0.1:8080}/ocpp" "$@"
}

case "${1:-}" in
  setup) setup ;;
  serve) shift; serve "$@" ;;
  dev) dev ;;
  test) test_all ;;
  bench) shift; bench "$@" ;;
  demo-charge-point) shift; demo_charge_point "$@" ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
