"""The simulator's Trydan local API, read and written by V2C's own Python client, pytrydan;
and the server's own Trydan link (a Trydan paired by its address) against that local API.

Starts the debug mock server with `--trydan-local-port`, pairs a Trydan through the REST API
(so that it is simulated), then drives it with pytrydan and checks each change both in
pytrydan's next reading and in the portal's view (`GET /api/chargers`).

    cargo build -p charge-mock-server
    $HOME/.cache/charge-portal/venv/bin/pytest mock-server/tests/python/test_trydan.py

`CP_SERVER` names the server binary (default `$CARGO_TARGET_DIR/debug/charge-mock-server`).
"""

import asyncio
import os
import random
import re
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from pytrydan import LockState, PauseState, Trydan, TrydanData
from pytrydan.exceptions import TrydanInvalidResponse
from pytrydan.models.trydan import ChargeState

PASSWORD = "trydan local api test"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LISTENING = re.compile(r"Trydan local API listening on http://127\.0\.0\.1:(\d+) charger=(\w+)")


def server_binary() -> Path:
    if "CP_SERVER" in os.environ:
        return Path(os.environ["CP_SERVER"])
    target = os.environ.get("CARGO_TARGET_DIR", str(Path.home() / ".cache/charge-portal/target"))
    return Path(target) / "debug" / "charge-mock-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The running server: its REST API, and its log, where the Trydans' ports are written."""

    def __init__(self, base: str, log: Path):
        self.base = base
        self.log = log
        self.http = httpx.Client(base_url=base, timeout=10, trust_env=False)

    def call(self, method: str, path: str, body=None, expect=(200, 201, 204)):
        response = self.http.request(method, path, json=body)
        assert response.status_code in expect, f"{method} {path}: {response.status_code} {response.text[:300]}"
        return response.json() if response.content else None

    def log_text(self) -> str:
        return ANSI.sub("", self.log.read_text(errors="replace"))

    def trydan_port(self, charger_id: str, timeout: float = 10.0) -> int:
        """The port the server logged for this charger's local API, once it listens."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for port, logged in LISTENING.findall(self.log_text()):
                if logged == charger_id:
                    return int(port)
            time.sleep(0.1)
        raise AssertionError(f"no local API for {charger_id} in the log:\n{self.log_text()[-3000:]}")

    def status(self, charger_id: str) -> dict:
        """The charger's live status as the portal sees it."""
        chargers = self.call("GET", "/api/chargers")
        return next(c["status"] for c in chargers if c["id"] == charger_id)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    binary = server_binary()
    if not binary.is_file():
        pytest.fail(f"no server at {binary}: cargo build -p charge-mock-server (or set CP_SERVER)")
    work = tmp_path_factory.mktemp("trydan")
    (work / "dist").mkdir()
    port = free_port()
    # Below Linux's ephemeral range, so that BASE + rank is unlikely to be taken.
    base_port = random.randrange(20_000, 28_000)
    log = work / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                str(binary),
                "--addr", f"127.0.0.1:{port}",
                "--database", str(work / "db.sqlite"),
                "--dist", str(work / "dist"),
                "--market-fetch", "false",
                "--sim-random-events", "false",
                "--sim-seed", "1",
                "--trydan-local-port", str(base_port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1", "RUST_LOG": "info"},
        )
    running = Server(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if running.http.get("/api/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{running.log_text()[-3000:]}")
            time.sleep(0.1)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        running.http.close()


@pytest.fixture(scope="module")
def trydan_id(server: Server) -> str:
    """A Trydan paired by a confirmed user (the server's client keeps the session cookie)."""
    email = "trydan@local.example"
    server.call("POST", "/api/auth/register", {"email": email, "password": PASSWORD, "name": "Trydan"})
    mails = server.call("GET", f"/api/dev/outbox?to={email}")
    link = next(m["link"] for m in mails if m.get("link") and "/confirm?token=" in m["link"])
    server.call("POST", "/api/auth/confirm", {"token": link.split("token=")[1]})
    server.call("POST", "/api/auth/login", {"email": email, "password": PASSWORD})
    unpaired = server.call("GET", "/api/dev/chargers/unpaired")
    charger_id = next(c["id"] for c in unpaired if c["model"] == "trydan")
    server.call("POST", "/api/chargers", {"id": charger_id, "name": "Garage"})
    server.call("POST", f"/api/dev/chargers/{charger_id}/car", {"plugged": True})
    return charger_id


def run(coroutine):
    return asyncio.run(coroutine)


async def with_trydan(port: int, steps):
    async with httpx.AsyncClient(trust_env=False) as client:
        return await steps(Trydan(f"127.0.0.1:{port}", client))


def test_the_local_api_is_served_once_the_charger_is_paired(server, trydan_id):
    port = server.trydan_port(trydan_id)

    async def read(trydan: Trydan) -> TrydanData:
        return await trydan.get_data()

    data = run(with_trydan(port, read))
    status = server.status(trydan_id)
    assert data.ID == trydan_id
    assert data.charge_state == ChargeState.CONNECTED_CHARGING
    assert data.intensity == status["intensity_a"] == 16
    assert data.charge_power == status["charge_power_w"] > 0
    assert data.firmware_version == status["firmware"]
    assert data.locked == LockState.DISABLED and data.paused == PauseState.NOT_PAUSED


def test_pytrydan_writes_change_the_simulated_charger(server, trydan_id):
    port = server.trydan_port(trydan_id)

    async def steps(trydan: Trydan):
        await trydan.intensity(10)
        data = await trydan.get_data()
        assert data.intensity == 10
        status = server.status(trydan_id)
        assert status["intensity_a"] == 10
        assert data.charge_power == status["charge_power_w"] == pytest.approx(10 * status["voltage_v"])

        await trydan.lock()
        data = await trydan.get_data()
        status = server.status(trydan_id)
        assert data.locked == LockState.ENABLED and status["locked"] is True
        assert data.charge_state == ChargeState.CONNECTED_NOT_CHARGING and status["state"] == "connected"
        await trydan.unlock()

        await trydan.pause()
        data = await trydan.get_data()
        status = server.status(trydan_id)
        assert data.paused == PauseState.PAUSED and status["paused"] is True
        assert data.charge_power == 0 and status["charge_power_w"] == 0
        await trydan.resume()

        data = await trydan.get_data()
        status = server.status(trydan_id)
        assert (data.locked, data.paused) == (LockState.DISABLED, PauseState.NOT_PAUSED)
        assert (status["locked"], status["paused"], status["state"]) == (False, False, "charging")

    run(with_trydan(port, steps))


def test_a_write_the_charger_refuses_is_an_error_and_changes_nothing(server, trydan_id):
    port = server.trydan_port(trydan_id)

    async def steps(trydan: Trydan):
        await trydan.intensity(16)
        await trydan.max_intensity(12)
        data = await trydan.get_data()
        # As when the portal's settings lower the limit: the current follows.
        assert (data.max_intensity, data.intensity) == (12, 12)
        # Within what pytrydan accepts, above the charger's MaxIntensity: the charger says no.
        with pytest.raises(TrydanInvalidResponse):
            await trydan.intensity(16)
        assert (await trydan.get_data()).intensity == 12
        assert server.status(trydan_id)["intensity_a"] == 12

        # What pytrydan itself would not send: an unknown keyword and an out-of-range value.
        async with httpx.AsyncClient(trust_env=False) as raw:
            for path in ("/write/Colour=3", "/write/Intensity=99", "/write/Locked=yes", "/write/ChargePower=1"):
                response = await raw.get(f"http://127.0.0.1:{port}{path}")
                assert response.status_code == 400 and response.text.startswith("ERROR"), path
        await trydan.max_intensity(32)

    run(with_trydan(port, steps))


def test_the_backends_trydan_link_passes_the_portals_checks(server, trydan_id):
    """The server's own link to a Trydan by address (`POST /api/chargers/trydan`), pointed at
    the simulated Trydan's local API: the portal sees and drives it like the simulated one."""
    port = server.trydan_port(trydan_id)
    nobody = {"address": f"127.0.0.1:{free_port()}", "name": "Nobody"}
    refused = server.http.post("/api/chargers/trydan", json=nobody)
    assert refused.status_code == 422
    assert refused.json()["fields"]["address"]["problem"] == "no_trydan_at_address"

    linked = server.call("POST", "/api/chargers/trydan", {"address": f"127.0.0.1:{port}", "name": "Garage by IP"})
    link_id = linked["id"]
    assert link_id != trydan_id and linked["model"] == "trydan"
    detail = server.call("GET", f"/api/chargers/{link_id}")
    assert detail["trydan"]["address"] == f"127.0.0.1:{port}" and detail["trydan"]["connected"] is True
    assert detail["trydan"]["serial"] == trydan_id

    checked = ("online", "state", "intensity_a", "locked", "paused", "firmware", "dynamic_power")

    def same_view(timeout: float = 5.0) -> dict:
        """Both portal chargers show the same thing (the link reads once a second)."""
        deadline = time.monotonic() + timeout
        while True:
            simulated, link = server.status(trydan_id), server.status(link_id)
            if all(simulated[key] == link[key] for key in checked):
                return link
            if time.monotonic() > deadline:
                raise AssertionError(f"the link shows {link}, the simulator {simulated}")
            time.sleep(0.2)

    link = same_view()
    assert link["online"] is True and link["state"] == "charging"
    assert link["charge_power_w"] == pytest.approx(link["intensity_a"] * link["voltage_v"], rel=0.01)

    # The portal's controls on the link reach the charger (as pytrydan and the simulator see it).
    async def reading() -> TrydanData:
        return await with_trydan(port, lambda trydan: trydan.get_data())

    status = server.call("PUT", f"/api/chargers/{link_id}/intensity", {"amps": 8})
    assert status["intensity_a"] == 8 and run(reading()).intensity == 8
    status = server.call("PUT", f"/api/chargers/{link_id}/lock", {"locked": True})
    assert status["locked"] is True and run(reading()).locked == LockState.ENABLED
    assert same_view()["state"] == "connected"
    server.call("PUT", f"/api/chargers/{link_id}/lock", {"locked": False})
    status = server.call("PUT", f"/api/chargers/{link_id}/pause", {"paused": True})
    assert status["paused"] is True and run(reading()).paused == PauseState.PAUSED
    server.call("PUT", f"/api/chargers/{link_id}/pause", {"paused": False})
    assert same_view()["state"] == "charging"

    # Changes made elsewhere (the simulated charger's own controls) show on the link.
    server.call("PUT", f"/api/chargers/{trydan_id}/intensity", {"amps": 14})
    assert same_view()["intensity_a"] == 14

    # Limits through the settings.
    settings = detail["settings"] | {"min_current_a": 7, "max_current_a": 20}
    server.call("PUT", f"/api/chargers/{link_id}/settings", settings)
    data = run(reading())
    assert (data.min_intensity, data.max_intensity) == (7, 20)

    # What the local API cannot do is refused, not pretended.
    restart = server.http.post(f"/api/chargers/{link_id}/operations", json={"operation": "restart"})
    assert restart.status_code == 422

    # Removing the link stops its polling; the simulated charger carries on.
    server.call("DELETE", f"/api/chargers/{link_id}")
    assert all(c["id"] != link_id for c in server.call("GET", "/api/chargers"))
    restored = detail["settings"] | {"name": "Garage", "min_current_a": 6, "max_current_a": 32}
    server.call("PUT", f"/api/chargers/{trydan_id}/settings", restored)
