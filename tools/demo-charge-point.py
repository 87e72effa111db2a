#!/usr/bin/env python3
"""A demo OCPP 1.6J charge point for a local Charge Portal mock server.

Pair a charge point in the portal (or `POST /api/chargers/ocpp`), add the demo card to the
charger's RFID cards, then run, with the Python venv of `./tasks.sh setup`:

    $CP_VENV/bin/python tools/demo-charge-point.py --endpoint ws://127.0.0.1:8080/ocpp \\
        --id <charge point id> --password <password shown at pairing>

It boots, reports its connectors Available, plugs a car in after a few seconds (Preparing),
authorizes `--card` and starts a transaction (or waits for a RemoteStartTransaction), then
charges at the limit of the last SetChargingProfile (16 A, 230 V, 1 phase by default), sending
MeterValues every `--meter-interval` seconds. It obeys ChangeAvailability, RemoteStart/Stop,
Reset, TriggerMessage, Get/ChangeConfiguration, Set/ClearChargingProfile and UnlockConnector,
sends Heartbeats, and reconnects with backoff when the server goes away (keeping its running
transaction, and sending a StopTransaction made while offline once it is back). It prints one
line per event; SIGTERM or Ctrl-C ends it cleanly (exit status 0). Exit status 2: the server
refused the ID or password.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

try:
    import websockets
    from ocpp.exceptions import OCPPError
    from ocpp.routing import after, on
    from ocpp.v16 import ChargePoint, call, call_result
    from ocpp.v16.enums import Action
except ImportError as missing:  # pragma: no cover
    sys.exit(f"demo-charge-point: {missing}; run it with the venv of ./tasks.sh setup "
             "($HOME/.cache/charge-portal/venv/bin/python)")

MIN_AMPS = 6.0


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def say(message: str) -> None:
    """One line per event, with the local time."""
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


@dataclass
class Car:
    capacity_wh: float = 60_000.0
    soc: float = 30.0  # percent
    max_amps: float = 32.0


@dataclass
class Connector:
    id: int
    status: str = "Available"
    car: Car | None = None
    operative: bool = True
    limit_a: float = 16.0
    transaction_id: int | None = None
    id_tag: str | None = None
    meter_start: int = 0
    started_at: str | None = None
    power_w: float = 0.0
    current_a: float = 0.0
    #: Meter values taken while the transaction ran offline, for its StopTransaction.
    offline_values: list = field(default_factory=list)


class Station:
    """The charge point's hardware and state; outlives any one connection."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.connectors = {n: Connector(n, limit_a=args.default_amps) for n in range(1, args.connectors + 1)}
        self.meter_wh = {n: 1_000_000.0 * n for n in self.connectors}  # energy registers
        self.config = {
            "HeartbeatInterval": str(60),
            "MeterValueSampleInterval": str(args.meter_interval),
            "NumberOfConnectors": str(args.connectors),
            "MeterValuesSampledData": "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC",
            "AuthorizeRemoteTxRequests": "false",
            "ConnectionTimeOut": "60",
            "SupportedFeatureProfiles": "Core,SmartCharging,RemoteTrigger",
        }
        self.writable = {"HeartbeatInterval", "MeterValueSampleInterval", "ConnectionTimeOut",
                         "MeterValuesSampledData", "AuthorizeRemoteTxRequests"}
        self.cp: DemoChargePoint | None = None
        self.booted = asyncio.Event()
        self.pending: list = []  # transaction messages made offline, sent after the next boot
        self.reconnect_now = asyncio.Event()
        self.stopping = asyncio.Event()
        self.config_changed = asyncio.Event()

    # --- Talking to the server -----------------------------------------------------------------

    async def send(self, payload, queue: bool = False):
        """Makes a call; returns its answer, or None when offline or refused (queued if `queue`)."""
        cp = self.cp
        if cp is None or not self.booted.is_set() and not isinstance(payload, call.BootNotification):
            if queue:
                self.pending.append(payload)
                say(f"offline: {type(payload).__name__} queued")
            return None
        try:
            return await cp.call(payload, suppress=False)
        except OCPPError as error:
            say(f"{type(payload).__name__} refused: {type(error).__name__} {error.description}")
        except (websockets.ConnectionClosed, asyncio.TimeoutError) as error:
            say(f"{type(payload).__name__} not answered ({type(error).__name__})")
            if queue:
                self.pending.append(payload)
        return None

    async def status(self, connector: Connector, status: str, error_code: str = "NoError") -> None:
        connector.status = status
        say(f"connector {connector.id}: {status}")
        await self.send(call.StatusNotification(connector_id=connector.id, error_code=error_code, status=status,
                                                timestamp=now_iso()))

    # --- What the charge point does ------------------------------------------------------------

    def energy_of(self, connector: Connector) -> float:
        return self.meter_wh[connector.id] - connector.meter_start if connector.transaction_id else 0.0

    def settle(self, connector: Connector) -> str:
        """The power the car draws now, and the status that follows from it."""
        car, args = connector.car, self.args
        if car is None:
            connector.power_w = connector.current_a = 0.0
            return "Available" if connector.operative else "Unavailable"
        if connector.transaction_id is None:
            connector.power_w = connector.current_a = 0.0
            if not connector.operative:
                return "Unavailable"
            return "Finishing" if connector.status in ("Finishing", "SuspendedEVSE", "Charging", "SuspendedEV") \
                else "Preparing"
        amps = min(connector.limit_a, car.max_amps) if connector.operative else 0.0
        if amps < MIN_AMPS:
            amps = 0.0
        if car.soc >= 100.0:
            connector.power_w = connector.current_a = 0.0
            return "SuspendedEV"
        connector.current_a = amps
        connector.power_w = amps * args.voltage * args.phases
        return "Charging" if amps > 0 else "SuspendedEVSE"

    async def update(self, connector: Connector) -> None:
        """Reports the connector's status when it changed."""
        status = self.settle(connector)
        if status != connector.status:
            await self.status(connector, status)

    async def plug(self, connector: Connector) -> None:
        if connector.car is None:
            connector.car = Car()
            say(f"connector {connector.id}: car plugged in (SoC {connector.car.soc:.0f} %)")
            await self.update(connector)

    async def start(self, connector: Connector, id_tag: str, remote: bool = False) -> None:
        if connector.transaction_id is not None:
            say(f"connector {connector.id}: a transaction is already running")
            return
        if not remote:
            answer = await self.send(call.Authorize(id_tag=id_tag))
            status = answer.id_tag_info["status"] if answer else "no answer"
            say(f"card {id_tag}: {status}")
            if status != "Accepted":
                say("waiting for a RemoteStartTransaction (add the card to the charger in the portal)")
                return
        meter_start = int(self.meter_wh[connector.id])
        started_at = now_iso()
        answer = await self.send(call.StartTransaction(connector_id=connector.id, id_tag=id_tag,
                                                       meter_start=meter_start, timestamp=started_at))
        if answer is None:
            return
        if answer.id_tag_info["status"] != "Accepted":
            say(f"transaction {answer.transaction_id} refused: {answer.id_tag_info['status']}")
            await self.send(call.StopTransaction(meter_stop=meter_start, timestamp=now_iso(),
                                                 transaction_id=answer.transaction_id, reason="DeAuthorized"))
            return
        connector.transaction_id, connector.id_tag = answer.transaction_id, id_tag
        connector.meter_start, connector.started_at = meter_start, started_at
        connector.offline_values = []
        say(f"connector {connector.id}: transaction {answer.transaction_id} started with {id_tag} "
            f"at {meter_start} Wh")
        await self.update(connector)

    async def stop(self, connector: Connector, reason: str) -> None:
        if connector.transaction_id is None:
            return
        transaction_id, meter_stop = connector.transaction_id, int(self.meter_wh[connector.id])
        energy = meter_stop - connector.meter_start
        data = connector.offline_values + [self.meter_value(connector, "Transaction.End")]
        connector.transaction_id = None
        say(f"connector {connector.id}: transaction {transaction_id} stopped ({reason}), {energy} Wh")
        await self.send(call.StopTransaction(meter_stop=meter_stop, timestamp=now_iso(),
                                             transaction_id=transaction_id, reason=reason,
                                             id_tag=connector.id_tag, transaction_data=data), queue=True)
        await self.update(connector)

    def meter_value(self, connector: Connector, context: str = "Sample.Periodic") -> dict:
        phases = self.args.phases
        sampled = [
            {"value": f"{self.meter_wh[connector.id]:.0f}", "measurand": "Energy.Active.Import.Register",
             "unit": "Wh", "context": context},
            {"value": f"{connector.power_w:.0f}", "measurand": "Power.Active.Import", "unit": "W",
             "context": context},
        ]
        for phase in ("L1", "L2", "L3")[:phases]:
            sampled.append({"value": f"{connector.current_a:.1f}", "measurand": "Current.Import", "phase": phase,
                            "unit": "A", "context": context})
            sampled.append({"value": f"{self.args.voltage:.1f}", "measurand": "Voltage", "phase": f"{phase}-N",
                            "unit": "V", "context": context})
        if connector.car:
            sampled.append({"value": f"{connector.car.soc:.0f}", "measurand": "SoC", "unit": "Percent",
                            "context": context})
        return {"timestamp": now_iso(), "sampledValue": sampled}

    async def send_meter_values(self, connector: Connector) -> None:
        value = self.meter_value(connector)
        if self.cp is None or not self.booted.is_set():
            if connector.transaction_id is not None:
                connector.offline_values.append(value)
            return
        await self.send(call.MeterValues(connector_id=connector.id, transaction_id=connector.transaction_id,
                                         meter_value=[value]))
        if connector.transaction_id is not None:
            say(f"connector {connector.id}: {connector.power_w / 1000:.2f} kW, "
                f"{self.energy_of(connector) / 1000:.3f} kWh this session, "
                f"register {self.meter_wh[connector.id]:.0f} Wh")

    # --- Background tasks ----------------------------------------------------------------------

    async def physics(self) -> None:
        """Energy flows every second, connected or not."""
        last = time.monotonic()
        while True:
            await asyncio.sleep(1)
            now = time.monotonic()
            dt, last = now - last, now
            for connector in self.connectors.values():
                if connector.power_w > 0 and connector.car:
                    wh = connector.power_w * dt / 3600
                    self.meter_wh[connector.id] += wh
                    connector.car.soc = min(100.0, connector.car.soc + 100 * wh / connector.car.capacity_wh)
                    limit = self.args.stop_after_kwh
                    if limit and connector.transaction_id and self.energy_of(connector) >= limit * 1000:
                        say(f"connector {connector.id}: {limit} kWh reached")
                        await self.stop(connector, "Local")
                        asyncio.create_task(self.unplug_later(connector))
                    elif connector.car.soc >= 100:
                        await self.update(connector)

    async def unplug_later(self, connector: Connector, after_s: float = 3) -> None:
        await asyncio.sleep(after_s)
        if connector.transaction_id is None and connector.car:
            connector.car = None
            say(f"connector {connector.id}: car unplugged")
            await self.update(connector)

    async def meter_loop(self) -> None:
        while True:
            interval = max(int(self.config["MeterValueSampleInterval"] or 0), 1)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.config_changed.wait(), interval)
                self.config_changed.clear()
                continue
            for connector in self.connectors.values():
                if connector.transaction_id is not None:
                    await self.send_meter_values(connector)

    async def demo(self) -> None:
        """Plugs a car into connector 1 a few seconds after the first boot, and starts charging."""
        await self.booted.wait()
        await asyncio.sleep(self.args.plug_after)
        connector = self.connectors[1]
        if not connector.operative or connector.car is not None:
            return
        await self.plug(connector)
        if self.args.card:
            await asyncio.sleep(1)
            await self.start(connector, self.args.card)
        else:
            say("waiting for a RemoteStartTransaction")


class DemoChargePoint(ChargePoint):
    """The OCPP side: answers the central system's calls by acting on the station."""

    def __init__(self, cp_id: str, connection, station: Station):
        super().__init__(cp_id, connection, response_timeout=30)
        self.station = station

    def connectors_of(self, connector_id: int | None) -> list[Connector]:
        connectors = self.station.connectors
        if not connector_id:
            return list(connectors.values())
        return [connectors[connector_id]] if connector_id in connectors else []

    @on(Action.change_availability)
    async def on_change_availability(self, connector_id, type, **_):
        targets = self.connectors_of(connector_id)
        if not targets:
            return call_result.ChangeAvailability(status="Rejected")
        say(f"ChangeAvailability connector {connector_id}: {type}")
        return call_result.ChangeAvailability(status="Accepted")

    @after(Action.change_availability)
    async def after_change_availability(self, connector_id, type, **_):
        for connector in self.connectors_of(connector_id):
            connector.operative = type == "Operative"
            await self.station.update(connector)

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **_):
        schedule = cs_charging_profiles.get("charging_schedule", {})
        periods = schedule.get("charging_schedule_period") or []
        if not periods or (connector_id and connector_id not in self.station.connectors):
            return call_result.SetChargingProfile(status="Rejected")
        limit = float(periods[0]["limit"])
        if schedule.get("charging_rate_unit") == "W":
            limit = limit / (self.station.args.voltage * self.station.args.phases)
        for connector in self.connectors_of(connector_id):
            connector.limit_a = limit
        say(f"SetChargingProfile connector {connector_id}: limit {limit:.1f} A "
            f"({cs_charging_profiles.get('charging_profile_purpose')})")
        return call_result.SetChargingProfile(status="Accepted")

    @after(Action.set_charging_profile)
    async def after_set_charging_profile(self, connector_id, **_):
        for connector in self.connectors_of(connector_id):
            await self.station.update(connector)

    @on(Action.clear_charging_profile)
    async def on_clear_charging_profile(self, **_):
        for connector in self.station.connectors.values():
            connector.limit_a = self.station.args.default_amps
        say(f"ClearChargingProfile: limit back to {self.station.args.default_amps:.0f} A")
        return call_result.ClearChargingProfile(status="Accepted")

    @on(Action.remote_start_transaction)
    async def on_remote_start(self, id_tag, connector_id=None, **_):
        connector = self.station.connectors.get(connector_id or 1)
        ok = connector is not None and connector.operative and connector.transaction_id is None
        say(f"RemoteStartTransaction {id_tag} on connector {connector_id or 1}: {'Accepted' if ok else 'Rejected'}")
        return call_result.RemoteStartTransaction(status="Accepted" if ok else "Rejected")

    @after(Action.remote_start_transaction)
    async def after_remote_start(self, id_tag, connector_id=None, **_):
        connector = self.station.connectors.get(connector_id or 1)
        if connector is None or not connector.operative or connector.transaction_id is not None:
            return
        await self.station.plug(connector)
        await self.station.start(connector, id_tag, remote=True)

    @on(Action.remote_stop_transaction)
    async def on_remote_stop(self, transaction_id, **_):
        ok = any(c.transaction_id == transaction_id for c in self.station.connectors.values())
        say(f"RemoteStopTransaction {transaction_id}: {'Accepted' if ok else 'Rejected'}")
        return call_result.RemoteStopTransaction(status="Accepted" if ok else "Rejected")

    @after(Action.remote_stop_transaction)
    async def after_remote_stop(self, transaction_id, **_):
        for connector in self.station.connectors.values():
            if connector.transaction_id == transaction_id:
                await self.station.stop(connector, "Remote")

    @on(Action.unlock_connector)
    async def on_unlock_connector(self, connector_id, **_):
        connectors = self.connectors_of(connector_id)
        say(f"UnlockConnector {connector_id}")
        return call_result.UnlockConnector(status="Unlocked" if connectors else "NotSupported")

    @after(Action.unlock_connector)
    async def after_unlock_connector(self, connector_id, **_):
        for connector in self.connectors_of(connector_id):
            await self.station.stop(connector, "UnlockCommand")
            asyncio.create_task(self.station.unplug_later(connector, 0))

    @on(Action.reset)
    async def on_reset(self, type, **_):
        say(f"Reset {type}: restarting")
        return call_result.Reset(status="Accepted")

    @after(Action.reset)
    async def after_reset(self, type, **_):
        for connector in self.station.connectors.values():
            await self.station.stop(connector, "HardReset" if type == "Hard" else "SoftReset")
        await asyncio.sleep(0.5)
        self.station.reconnect_now.set()

    @on(Action.trigger_message)
    async def on_trigger_message(self, requested_message, connector_id=None, **_):
        known = {"BootNotification", "Heartbeat", "StatusNotification", "MeterValues",
                 "DiagnosticsStatusNotification", "FirmwareStatusNotification"}
        if connector_id and connector_id not in self.station.connectors:
            status = "Rejected"
        else:
            status = "Accepted" if requested_message in known else "NotImplemented"
        say(f"TriggerMessage {requested_message}: {status}")
        return call_result.TriggerMessage(status=status)

    @after(Action.trigger_message)
    async def after_trigger_message(self, requested_message, connector_id=None, **_):
        station = self.station
        if connector_id and connector_id not in station.connectors:
            return
        if requested_message == "BootNotification":
            await boot(station, self)
        elif requested_message == "Heartbeat":
            await station.send(call.Heartbeat())
        elif requested_message == "StatusNotification":
            for connector in self.connectors_of(connector_id):
                await station.status(connector, connector.status)
        elif requested_message == "MeterValues":
            for connector in self.connectors_of(connector_id):
                await station.send_meter_values(connector)
        elif requested_message == "DiagnosticsStatusNotification":
            await station.send(call.DiagnosticsStatusNotification(status="Idle"))
        elif requested_message == "FirmwareStatusNotification":
            await station.send(call.FirmwareStatusNotification(status="Idle"))

    @on(Action.get_configuration)
    async def on_get_configuration(self, key=None, **_):
        config = self.station.config
        keys = key or list(config)
        found = [{"key": k, "readonly": k not in self.station.writable, "value": config[k]}
                 for k in keys if k in config]
        unknown = [k for k in keys if k not in config]
        say(f"GetConfiguration {', '.join(keys)}")
        return call_result.GetConfiguration(configuration_key=found, unknown_key=unknown or None)

    @on(Action.change_configuration)
    async def on_change_configuration(self, key, value, **_):
        station = self.station
        if key not in station.config:
            status = "NotSupported"
        elif key not in station.writable:
            status = "Rejected"
        elif key in ("HeartbeatInterval", "MeterValueSampleInterval", "ConnectionTimeOut") and \
                not (value.isdigit() and int(value) > 0):
            status = "Rejected"
        else:
            station.config[key] = value
            station.config_changed.set()
            status = "Accepted"
        say(f"ChangeConfiguration {key}={value}: {status}")
        return call_result.ChangeConfiguration(status=status)

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id, **_):
        return call_result.DataTransfer(status="UnknownVendorId")


async def boot(station: Station, cp: DemoChargePoint) -> bool:
    """BootNotification until Accepted (the server may answer Pending); False when the connection ends."""
    args = station.args
    while True:
        try:
            answer = await cp.call(call.BootNotification(
                charge_point_vendor=args.vendor, charge_point_model=args.model,
                charge_point_serial_number=args.id[:25], firmware_version=args.firmware,
            ), suppress=False)
        except OCPPError as error:
            say(f"BootNotification refused: {error}")
            answer = None
        if answer is not None:
            say(f"BootNotification: {answer.status} (heartbeat every {answer.interval} s)")
            if answer.interval > 0:
                station.config["HeartbeatInterval"] = str(answer.interval)
                station.config_changed.set()
            if answer.status == "Accepted":
                station.booted.set()
                return True
        await asyncio.sleep(max(answer.interval if answer else 10, 5))


async def heartbeats(station: Station) -> None:
    while True:
        await asyncio.sleep(max(int(station.config["HeartbeatInterval"] or 60), 1))
        answer = await station.send(call.Heartbeat())
        if answer is not None and station.args.verbose:
            say(f"Heartbeat: {answer.current_time}")


async def session(station: Station, ws) -> None:
    """One connection: boot, report every connector, flush what was queued, then serve."""
    cp = DemoChargePoint(station.args.id, ws, station)
    station.cp = cp
    serving = asyncio.create_task(cp.start())
    tasks = [serving]
    try:
        if not await boot(station, cp):
            return
        # What happened offline first (a StopTransaction), then where each connector is now.
        while station.pending:
            payload = station.pending.pop(0)
            say(f"sending queued {type(payload).__name__}")
            await station.send(payload)
        for connector in station.connectors.values():
            connector.status = station.settle(connector)
            await station.status(connector, connector.status)
        tasks.append(asyncio.create_task(heartbeats(station)))
        reconnect = asyncio.create_task(station.reconnect_now.wait())
        tasks.append(reconnect)
        await asyncio.wait([serving, reconnect], return_when=asyncio.FIRST_COMPLETED)
        if serving.done() and not serving.cancelled():
            serving.exception()  # the connection ended; retrieved so it is not logged
    finally:
        station.cp = None
        station.booted.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def connection_loop(station: Station) -> int:
    args = station.args
    url = f"{args.endpoint.rstrip('/')}/{args.id}"
    headers = {}
    if args.password:
        token = base64.b64encode(f"{args.id}:{args.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    backoff = 1.0
    while True:
        say(f"connecting to {url}")
        connected = False
        try:
            async with websockets.connect(url, subprotocols=["ocpp1.6"], additional_headers=headers,
                                          open_timeout=10, close_timeout=2) as ws:
                if ws.subprotocol != "ocpp1.6":
                    say(f"the server did not agree on ocpp1.6 (chose {ws.subprotocol!r})")
                say("connected")
                connected = True
                backoff = 1.0
                await session(station, ws)
                if station.reconnect_now.is_set():
                    station.reconnect_now.clear()
                    say("rebooting")
                    await ws.close()
                    await asyncio.sleep(2)
                    continue
                reason = f" {ws.close_reason}" if ws.close_reason else ""
                say(f"connection closed ({ws.close_code}{reason})")
        except websockets.InvalidStatus as error:
            status = error.response.status_code
            if status in (401, 403, 404):
                say(f"the server refused charge point {args.id}: HTTP {status} (check --id and --password)")
                return 2
            say(f"the server answered HTTP {status}")
        except (OSError, websockets.WebSocketException, asyncio.TimeoutError) as error:
            say(f"{'connection lost' if connected else 'cannot connect'}: {type(error).__name__}: {error}")
        say(f"reconnecting in {backoff:.0f} s")
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, args.max_backoff)


async def main(args: argparse.Namespace) -> int:
    station = Station(args)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, station.stopping.set)
    background = [asyncio.create_task(t) for t in (station.physics(), station.meter_loop(), station.demo())]
    connecting = asyncio.create_task(connection_loop(station))
    stopping = asyncio.create_task(station.stopping.wait())
    await asyncio.wait([connecting, stopping], return_when=asyncio.FIRST_COMPLETED)
    code = connecting.result() if connecting.done() and not connecting.cancelled() else 0
    if station.stopping.is_set():
        say("stopping")
    for task in [*background, connecting, stopping]:
        task.cancel()
    for task in [*background, connecting, stopping]:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    return code


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", default="ws://127.0.0.1:8080/ocpp",
                        help="the server's OCPP endpoint, without the ID (default: %(default)s)")
    parser.add_argument("--id", required=True, help="the charge point ID it was paired with")
    parser.add_argument("--password", default=os.environ.get("CP_OCPP_PASSWORD", ""),
                        help="the password shown at pairing (or $CP_OCPP_PASSWORD)")
    parser.add_argument("--connectors", type=int, default=1, choices=range(1, 9), metavar="N",
                        help="connectors, 1 to 8 (default: %(default)s)")
    parser.add_argument("--meter-interval", type=int, default=10, metavar="SECONDS",
                        help="MeterValues every so many seconds while charging (default: %(default)s)")
    parser.add_argument("--card", default="DEC0DE01",
                        help="idTag the car is started with (4 to 20 hex digits, as the portal's cards; "
                             "default %(default)s; '' to wait for a RemoteStartTransaction)")
    parser.add_argument("--plug-after", type=float, default=5, metavar="SECONDS",
                        help="when the car is plugged into connector 1 (default: %(default)s)")
    parser.add_argument("--stop-after-kwh", type=float, default=None, metavar="KWH",
                        help="stop the transaction (and unplug) after this much energy")
    parser.add_argument("--default-amps", type=float, default=16.0, metavar="A",
                        help="the limit without a charging profile (default: %(default)s)")
    parser.add_argument("--voltage", type=float, default=230.0, help="(default: %(default)s)")
    parser.add_argument("--phases", type=int, default=1, choices=(1, 3), help="(default: %(default)s)")
    parser.add_argument("--vendor", default="Charge Portal")
    parser.add_argument("--model", default="Demo CP")
    parser.add_argument("--firmware", default="demo-1.0")
    parser.add_argument("--max-backoff", type=float, default=30, metavar="SECONDS",
                        help="longest wait between reconnections (default: %(default)s)")
    parser.add_argument("--verbose", action="store_true", help="also print every OCPP frame")
    args = parser.parse_args(argv)
    if args.meter_interval < 1:
        parser.error("--meter-interval must be at least 1")
    return args


if __name__ == "__main__":
    arguments = parse_args()
    logging.basicConfig(level=logging.INFO if arguments.verbose else logging.CRITICAL,
                        format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    if not arguments.verbose:
        logging.getLogger("ocpp").disabled = True
    sys.exit(asyncio.run(main(arguments)))
