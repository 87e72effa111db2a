"""Fixtures of the OCPP 1.6J tests: the debug mock server on a free port with a fresh database,
a confirmed and logged-in portal user, pairing an OCPP charge point, and charge points of the
`ocpp` package (mobilityhouse) connected to the server's `/ocpp/{chargePointId}` endpoint.

The tests are plain functions that drive their charge point with `asyncio.run`; REST calls made
while a charge point is connected go through `asyncio.to_thread` (`Portal.a*`), so that the
charge point can answer the server's calls while a `PUT` waits for them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
import websockets
from ocpp.charge_point import camel_to_snake_case
from ocpp.exceptions import GenericError
from ocpp.messages import MessageType, unpack
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call
from ocpp.v16.enums import Action

#: The heartbeat interval the server is started with: a charge point silent for two of them is offline.
HEARTBEAT_SECS = 2
PASSWORD = "testing charge portal"
#: A REST call never takes longer than this (a command waits at most ~10 s for the charge point).
HTTP_TIMEOUT = 20


def server_binary() -> Path:
    target = os.environ.get("CARGO_TARGET_DIR", str(Path.home() / ".cache/charge-portal/target"))
    return Path(os.environ.get("CP_SERVER", str(Path(target) / "debug/charge-mock-server")))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def iso(epoch_s: float) -> str:
    """An OCPP timestamp (UTC, milliseconds, `Z`) of a Unix time."""
    return datetime.fromtimestamp(epoch_s, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso(offset_s: float = 0) -> str:
    """An OCPP timestamp `offset_s` seconds from now."""
    return iso(time.time() + offset_s)


def wait_until(probe: Callable[[], Any], timeout: float, what: str, every: float = 0.2) -> Any:
    """Calls `probe` until it returns something truthy; fails with its last value after `timeout` s."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}; last seen: {last!r}")
        time.sleep(every)


# --- The server ----------------------------------------------------------------------------------


@dataclass
class Server:
    base: str
    port: int
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keeps each phase's report on the test, for fixtures to see whether it failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def server(tmp_path_factory, request) -> Server:
    """The debug mock server on a free port, with a fresh database and an empty dist dir."""
    binary = server_binary()
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no server at {binary} (cargo build -p charge-mock-server, or set CP_SERVER)")
    work = tmp_path_factory.mktemp("server")
    (work / "dist").mkdir()
    log = work / "server.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [
        str(binary), "--addr", f"127.0.0.1:{port}", "--database", str(work / "db.sqlite"),
        "--dist", str(work / "dist"), "--market-fetch", "false", "--sim-random-events", "false",
        "--sim-seed", "1", "--ocpp-heartbeat-secs", str(HEARTBEAT_SECS), "--ocpp-meter-interval-secs", "1",
        "--registrations-per-hour", "100000", "--email-links-per-hour", "100000",
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    started = Server(base, port, process, log)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{started.log_text()}")
            try:
                if requests.get(f"{base}/api/openapi.json", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start in 20 s:\n{started.log_text()}")
            time.sleep(0.1)
        yield started
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        # Shown under "Captured stdout teardown" of the failure.
        lines = started.log_text().splitlines()
        print(f"--- the server's log ({log}), last {min(len(lines), 80)} lines ---")
        print("\n".join(lines[-80:]))
    elif os.environ.get("CP_KEEP_LOGS"):
        print(f"server log: {log}")


# --- The portal user ----------------------------------------------------------------------------


@dataclass
class Pairing:
    """`POST /api/chargers/ocpp`'s answer: the portal charger and how the charge point connects."""

    charger: dict
    endpoint: str
    charge_point_id: str
    password: str

    @property
    def charger_id(self) -> str:
        return self.charger["id"]

    @property
    def url(self) -> str:
        return f"{self.endpoint}/{self.charge_point_id}"


class Portal:
    """What a logged-in portal user does, through the REST API."""

    _ids = itertools.count(1)

    def __init__(self, server: Server, email: str):
        self.server = server
        self.email = email
        self.http = requests.Session()

    def request(self, method: str, path: str, body: Any = None, expect: int | tuple | None = None):
        response = self.http.request(method, self.server.base + path, json=body, timeout=HTTP_TIMEOUT)
        if expect is not None:
            expected = expect if isinstance(expect, tuple) else (expect,)
            assert response.status_code in expected, (
                f"{method} {path} {json.dumps(body)} answered {response.status_code}: {response.text[:500]}"
            )
        return response

    def get(self, path: str, expect=200) -> Any:
        return self.request("GET", path, expect=expect).json()

    def put(self, path: str, body: Any, expect=None) -> requests.Response:
        return self.request("PUT", path, body, expect)

    def post(self, path: str, body: Any, expect=None) -> requests.Response:
        return self.request("POST", path, body, expect)

    # The same, from a coroutine: the event loop keeps serving the charge point meanwhile.
    async def aput(self, path: str, body: Any, expect=None) -> requests.Response:
        return await asyncio.to_thread(self.put, path, body, expect)

    async def aget(self, path: str, expect=200) -> Any:
        return await asyncio.to_thread(self.get, path, expect)

    async def await_(self, probe: Callable[[], Any], timeout: float, what: str) -> Any:
        return await asyncio.to_thread(wait_until, probe, timeout, what)

    # Reads.
    def chargers(self) -> list[dict]:
        return self.get("/api/chargers")

    def detail(self, charger_id: str) -> dict:
        return self.get(f"/api/chargers/{charger_id}")

    def status(self, charger_id: str) -> dict:
        listed = {c["id"]: c for c in self.chargers()}
        assert charger_id in listed, f"{charger_id} not in GET /api/chargers: {list(listed)}"
        return listed[charger_id]["status"]

    def sessions(self, **query) -> list[dict]:
        return self.http.get(self.server.base + "/api/sessions", params=query, timeout=HTTP_TIMEOUT).json()["rows"]

    def wait_sessions(self, charger_id: str, count: int = 1, timeout: float = 10) -> list[dict]:
        """Waits until the charger's history has `count` charges (then checks no more come at once)."""
        rows = wait_until(lambda: len(self.sessions(charger=charger_id)) >= count and self.sessions(
            charger=charger_id), timeout, f"{count} charge(s) of {charger_id} in GET /api/sessions")
        return rows

    def wait_status(self, charger_id: str, timeout: float = 5, **expected) -> dict:
        """Waits until the charger's live status has each `expected` field (floats within 1 %)."""

        def probe():
            status = self.status(charger_id)
            for key, want in expected.items():
                got = status.get(key)
                if isinstance(want, float):
                    if not isinstance(got, (int, float)) or abs(got - want) > max(abs(want) * 0.01, 0.05):
                        return None
                elif got != want:
                    return None
            return status

        deadline = time.monotonic() + timeout
        while (status := probe()) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"status of {charger_id} never had {expected}: {self.status(charger_id)}")
            time.sleep(0.2)
        return status

    async def await_status(self, charger_id: str, timeout: float = 5, **expected) -> dict:
        return await asyncio.to_thread(self.wait_status, charger_id, timeout, **expected)

    # Writes.
    def pair_ocpp(self, name: str = "Garage", charge_point_id: str | None = None) -> Pairing:
        cp_id = charge_point_id or f"CP-{next(self._ids):03d}-{uuid.uuid4().hex[:8]}"
        body = self.post("/api/chargers/ocpp", {"charge_point_id": cp_id, "name": name}, expect=201).json()
        self.last_pairing_answer = body
        # The contract's answer is flat; read a nested `credentials` object too, so that the other
        # tests still run when only the shape differs (test_pairing_… asserts the shape).
        fields = {**body.get("credentials", {}), **body}
        for key in ("charger", "endpoint", "charge_point_id", "password"):
            assert key in fields, f"POST /api/chargers/ocpp answered without {key}: {body}"
        return Pairing(fields["charger"], fields["endpoint"].rstrip("/"), fields["charge_point_id"],
                       fields["password"])

    def add_card(self, charger_id: str, code: str, name: str = "Card") -> dict:
        return self.post(f"/api/chargers/{charger_id}/cards", {"code": code, "name": name}, expect=201).json()


def register(server: Server, email: str) -> Portal:
    """Registers `email`, confirms it through the development outbox and logs in."""
    portal = Portal(server, email)
    portal.post("/api/auth/register", {"email": email, "password": PASSWORD, "name": "OCPP Tester"}, expect=201)
    mails = portal.get(f"/api/dev/outbox?to={email}")
    link = next(m["link"] for m in mails if m.get("link") and "/confirm?token=" in m["link"])
    portal.post("/api/auth/confirm", {"token": link.split("token=")[1]}, expect=204)
    portal.post("/api/auth/login", {"email": email, "password": PASSWORD}, expect=(200, 204))
    return portal


@pytest.fixture
def portal(server) -> Portal:
    """A fresh user, confirmed and logged in."""
    return register(server, f"owner-{uuid.uuid4().hex[:10]}@ocpp.example")


@pytest.fixture
def pairing(portal) -> Pairing:
    """An OCPP charge point paired by `portal`'s user."""
    return portal.pair_ocpp()


# --- Charge points ------------------------------------------------------------------------------


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def connect(pairing: Pairing, password: str | None = None, charge_point_id: str | None = None, **options):
    """`websockets.connect` to the pairing's endpoint as OCPP 1.6 with HTTP Basic auth
    (`password=""` sends no Authorization header)."""
    cp_id = charge_point_id or pairing.charge_point_id
    secret = pairing.password if password is None else password
    headers = {"Authorization": basic_auth(cp_id, secret)} if secret != "" else {}
    return websockets.connect(
        f"{pairing.endpoint}/{cp_id}", subprotocols=["ocpp1.6"], additional_headers=headers, open_timeout=5,
        **options,
    )


class FakeChargePoint(ChargePoint):
    """A charge point the test drives: it records every call the server makes (`expect`),
    answers them Accepted unless told otherwise (`answers[action] = "Rejected"` or `"CALLERROR"`,
    `ignored` for no answer at all), and sends heartbeats once booted."""

    def __init__(self, cp_id: str, connection, **kwargs):
        super().__init__(cp_id, connection, response_timeout=10, **kwargs)
        self.received: asyncio.Queue[tuple[str, dict]] = asyncio.Queue()
        #: Every call the server made, in order: (action, payload with snake_case keys).
        self.history: list[tuple[str, dict]] = []
        self.answers: dict[str, str] = {}
        self.ignored: set[str] = set()
        self.heartbeat_interval: float | None = None
        self._heartbeats: asyncio.Task | None = None
        self.beating = True

    async def route_message(self, raw_msg):
        # A call the test wants unanswered is recorded and dropped (the server must time out).
        try:
            message = unpack(raw_msg)
        except Exception:
            message = None
        if message is not None and message.message_type_id == MessageType.Call and message.action in self.ignored:
            self._record(message.action, camel_to_snake_case(message.payload))
            return
        await super().route_message(raw_msg)

    async def expect(self, action: str, timeout: float = 10) -> dict:
        """The payload (snake_case keys) of the next call `action` from the server; other calls are skipped."""
        deadline = asyncio.get_running_loop().time() + timeout
        seen = []
        while True:
            left = deadline - asyncio.get_running_loop().time()
            try:
                got, payload = await asyncio.wait_for(self.received.get(), max(left, 0.01))
            except asyncio.TimeoutError:
                raise AssertionError(f"no {action} from the server in {timeout} s (got {seen})") from None
            if got == action:
                return payload
            seen.append(got)

    def last(self, action: str) -> dict:
        """The payload of the latest call `action` the server made (it must have made one)."""
        found = [payload for got, payload in self.history if got == action]
        assert found, f"the server made no {action} call; it made {[a for a, _ in self.history]}"
        return found[-1]

    def _record(self, action: str, payload: dict):
        self.history.append((action, payload))
        self.received.put_nowait((action, payload))

    def _answer(self, action: str, payload: dict, accepted: str = "Accepted") -> str:
        self._record(action, payload)
        answer = self.answers.get(action, accepted)
        if answer == "CALLERROR":
            raise GenericError(description=f"the test refuses {action}")
        return answer

    # The server's calls.
    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, **payload):
        return call_result_of("SetChargingProfile", status=self._answer("SetChargingProfile", payload))

    @on(Action.change_availability)
    async def on_change_availability(self, **payload):
        return call_result_of("ChangeAvailability", status=self._answer("ChangeAvailability", payload))

    @on(Action.remote_start_transaction)
    async def on_remote_start(self, **payload):
        return call_result_of("RemoteStartTransaction", status=self._answer("RemoteStartTransaction", payload))

    @on(Action.remote_stop_transaction)
    async def on_remote_stop(self, **payload):
        return call_result_of("RemoteStopTransaction", status=self._answer("RemoteStopTransaction", payload))

    @on(Action.clear_charging_profile)
    async def on_clear_charging_profile(self, **payload):
        return call_result_of("ClearChargingProfile", status=self._answer("ClearChargingProfile", payload))

    @on(Action.reset)
    async def on_reset(self, **payload):
        return call_result_of("Reset", status=self._answer("Reset", payload))

    @on(Action.trigger_message)
    async def on_trigger_message(self, **payload):
        return call_result_of("TriggerMessage", status=self._answer("TriggerMessage", payload))

    @on(Action.change_configuration)
    async def on_change_configuration(self, **payload):
        return call_result_of("ChangeConfiguration", status=self._answer("ChangeConfiguration", payload))

    @on(Action.get_configuration)
    async def on_get_configuration(self, **payload):
        self._answer("GetConfiguration", payload)
        return call_result_of("GetConfiguration", configuration_key=[], unknown_key=payload.get("key") or [])

    @on(Action.unlock_connector)
    async def on_unlock_connector(self, **payload):
        return call_result_of("UnlockConnector", status=self._answer("UnlockConnector", payload, "Unlocked"))

    @on(Action.update_firmware)
    async def on_update_firmware(self, **payload):
        self._answer("UpdateFirmware", payload)
        return call_result_of("UpdateFirmware")

    # The charge point's calls (a CALLERROR raises `OCPPError`).
    async def send(self, payload):
        return await self.call(payload, suppress=False)

    async def boot(self, vendor="PyTest", model="FakeCP", firmware="1.2.3", serial="SN-0001"):
        answer = await self.send(call.BootNotification(
            charge_point_vendor=vendor, charge_point_model=model, firmware_version=firmware,
            charge_point_serial_number=serial,
        ))
        self.heartbeat_interval = answer.interval
        if self.beating and self._heartbeats is None:
            self._heartbeats = asyncio.create_task(self._beat())
        return answer

    async def _beat(self):
        while True:
            await asyncio.sleep(max(self.heartbeat_interval or HEARTBEAT_SECS, 0.5) * 0.5)
            if not self.beating:
                return
            with contextlib.suppress(Exception):
                await self.send(call.Heartbeat())

    def stop_heartbeats(self):
        self.beating = False
        if self._heartbeats:
            self._heartbeats.cancel()

    async def status(self, status: str, connector: int = 1, error_code: str = "NoError"):
        return await self.send(call.StatusNotification(
            connector_id=connector, error_code=error_code, status=status, timestamp=now_iso(),
        ))

    async def authorize(self, id_tag: str) -> str:
        return (await self.send(call.Authorize(id_tag=id_tag))).id_tag_info["status"]

    async def start_transaction(self, id_tag: str, meter_start: int, connector: int = 1, timestamp=None):
        return await self.send(call.StartTransaction(
            connector_id=connector, id_tag=id_tag, meter_start=meter_start, timestamp=timestamp or now_iso(),
        ))

    async def meter_values(self, transaction_id: int | None, energy_wh: float, power_w: float | None = None,
                           current_a: float | None = None, voltage_v: float | None = None,
                           soc: float | None = None, connector: int = 1, phases: int = 1):
        return await self.send(call.MeterValues(
            connector_id=connector, transaction_id=transaction_id,
            meter_value=[meter_value(now_iso(), energy_wh, power_w, current_a, voltage_v, soc, phases)],
        ))

    async def stop_transaction(self, transaction_id: int, meter_stop: int, timestamp=None, reason="Local",
                               id_tag=None, transaction_data=None):
        return await self.send(call.StopTransaction(
            meter_stop=meter_stop, timestamp=timestamp or now_iso(), transaction_id=transaction_id,
            reason=reason, id_tag=id_tag, transaction_data=transaction_data,
        ))


def call_result_of(action: str, **fields):
    from ocpp.v16 import call_result

    return getattr(call_result, action)(**fields)


def meter_value(timestamp: str, energy_wh: float, power_w=None, current_a=None, voltage_v=None, soc=None,
                phases: int = 1) -> dict:
    """One OCPP meter value with the measurands the portal shows."""
    sampled = [{"value": f"{energy_wh:.0f}", "measurand": "Energy.Active.Import.Register", "unit": "Wh",
                "context": "Sample.Periodic"}]
    if power_w is not None:
        sampled.append({"value": f"{power_w:.0f}", "measurand": "Power.Active.Import", "unit": "W"})
    for phase in ("L1", "L2", "L3")[:phases]:
        if current_a is not None:
            sampled.append({"value": f"{current_a:.1f}", "measurand": "Current.Import", "phase": phase, "unit": "A"})
        if voltage_v is not None:
            sampled.append({"value": f"{voltage_v:.1f}", "measurand": "Voltage", "phase": f"{phase}-N", "unit": "V"})
    if soc is not None:
        sampled.append({"value": f"{soc:.0f}", "measurand": "SoC", "unit": "Percent"})
    return {"timestamp": timestamp, "sampledValue": sampled}


@contextlib.asynccontextmanager
async def charge_point(pairing: Pairing, cp_class=FakeChargePoint, password: str | None = None, **options):
    """A charge point of `cp_class` connected and serving (its `start` loop runs in a task)."""
    async with connect(pairing, password, **options) as ws:
        assert ws.subprotocol == "ocpp1.6", f"the server chose subprotocol {ws.subprotocol!r}"
        cp = cp_class(pairing.charge_point_id, ws)
        serving = asyncio.create_task(_serve(cp))
        try:
            yield cp
        finally:
            if hasattr(cp, "stop_heartbeats"):
                cp.stop_heartbeats()
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await serving


async def _serve(cp: ChargePoint):
    with contextlib.suppress(websockets.ConnectionClosed):
        await cp.start()


class RawSocket:
    """A WebSocket speaking OCPP-J frames by hand, for what the `ocpp` package refuses to send."""

    def __init__(self, ws):
        self.ws = ws

    async def send(self, text: str):
        await self.ws.send(text)

    async def answer_to(self, message_id: str, timeout: float = 5) -> list:
        """The next CALLRESULT or CALLERROR with `message_id` (the server's own CALLs are answered
        with a NotSupported CALLERROR and skipped)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            try:
                text = await asyncio.wait_for(self.ws.recv(), max(left, 0.01))
            except asyncio.TimeoutError:
                raise AssertionError(f"no answer to message {message_id!r} in {timeout} s") from None
            frame = json.loads(text)
            if frame[0] == 2:
                await self.ws.send(json.dumps([4, frame[1], "NotSupported", "raw test socket", {}]))
                continue
            if frame[1] == message_id:
                return frame


