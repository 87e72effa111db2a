"""OCPP 1.6J central system: a charge point of the `ocpp` package (mobilityhouse) against the mock
server's `/ocpp/{chargePointId}`, asserted through the REST API a portal user sees.

Each test has a server of its own (fresh database) and a fresh user; see conftest.py.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets
from ocpp.v16 import call

from conftest import (
    HEARTBEAT_SECS,
    RawSocket,
    charge_point,
    connect,
    iso,
    meter_value,
    register,
)

CARD = "04A32BF1"


def run(coroutine):
    return asyncio.run(coroutine)


# --- Pairing and connecting ---------------------------------------------------------------------


def test_pairing_gives_a_charger_an_endpoint_and_a_password_once(portal):
    pairing = portal.pair_ocpp(name="Garage", charge_point_id="Garage-01.a_b:c")
    assert set(portal.last_pairing_answer) == {"charger", "endpoint", "charge_point_id", "password"}, (
        f"the contract's answer is flat: {portal.last_pairing_answer}"
    )
    assert pairing.charge_point_id == "Garage-01.a_b:c"
    assert pairing.endpoint == f"ws://127.0.0.1:{portal.server.port}/ocpp"
    assert pairing.password, "a password to give the charge point"
    assert len(pairing.charger_id) == 10, pairing.charger
    assert pairing.charger["name"] == "Garage"
    listed = {c["id"]: c for c in portal.chargers()}
    assert pairing.charger_id in listed
    # The list shows what the pairing answered (the secret nowhere).
    assert json.dumps(listed).find(pairing.password) == -1
    assert pairing.password not in json.dumps(portal.detail(pairing.charger_id))

    again = portal.post("/api/chargers/ocpp", {"charge_point_id": "Garage-01.a_b:c", "name": "Twice"})
    assert again.status_code == 409, again.text
    other = register(portal.server, "someone-else@ocpp.example")
    theirs = other.post("/api/chargers/ocpp", {"charge_point_id": "Garage-01.a_b:c", "name": "Mine"})
    assert theirs.status_code == 409, theirs.text


@pytest.mark.parametrize(
    "body, field",
    [
        ({"charge_point_id": "", "name": "Garage"}, "charge_point_id"),
        ({"charge_point_id": "x" * 49, "name": "Garage"}, "charge_point_id"),
        ({"charge_point_id": "has space", "name": "Garage"}, "charge_point_id"),
        ({"charge_point_id": "slash/no", "name": "Garage"}, "charge_point_id"),
        ({"charge_point_id": "CP-OK", "name": ""}, "name"),
    ],
)
def test_pairing_refuses_bad_ids_and_names_field_by_field(portal, body, field):
    answer = portal.post("/api/chargers/ocpp", body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "validation", answer.text
    assert field in answer.json()["fields"], f"the error names {field}: {answer.text}"


def test_a_wrong_or_missing_password_or_unknown_id_is_refused_at_the_handshake(pairing):
    async def scenario():
        for password, cp_id in [("wrong password", None), ("", None), (pairing.password, "NOT-PAIRED-1")]:
            with pytest.raises(websockets.InvalidStatus) as refused:
                async with connect(pairing, password=password, charge_point_id=cp_id):
                    pass
            assert refused.value.response.status_code == 401, (password, cp_id)
        # The right password is let in, with the OCPP 1.6 subprotocol.
        async with charge_point(pairing) as cp:
            assert (await cp.boot()).status == "Accepted"

    run(scenario())


# --- Boot, status, meter values ------------------------------------------------------------------


def test_boot_is_accepted_with_the_heartbeat_interval_and_the_portal_shows_the_hardware(portal, pairing):
    async def scenario():
        async with charge_point(pairing) as cp:
            answer = await cp.boot(vendor="PyVendor", model="PyModel-7", firmware="9.8.7-test")
            assert answer.status == "Accepted"
            assert answer.interval == HEARTBEAT_SECS
            assert answer.current_time
            heartbeat = await cp.send(call.Heartbeat())
            assert heartbeat.current_time
            await cp.status("Available")
            await portal.await_status(pairing.charger_id, online=True, state="disconnected")
            detail = await portal.aget(f"/api/chargers/{pairing.charger_id}")
            ocpp = detail.get("ocpp")
            assert ocpp, f"GET /api/chargers/{{id}} has no ocpp object: {detail}"
            assert {k: ocpp.get(k) for k in ("vendor", "model", "firmware", "serial", "connected", "connector",
                                               "charge_point_id", "endpoint")} == {
                "vendor": "PyVendor", "model": "PyModel-7", "firmware": "9.8.7-test", "serial": "SN-0001",
                "connected": True, "connector": 1, "charge_point_id": pairing.charge_point_id,
                "endpoint": pairing.endpoint,
            }, ocpp
            assert detail["summary"]["model"] == "ocpp"
            assert detail["summary"]["status"]["firmware"] == "9.8.7-test"

    run(scenario())


STATES = [
    ("Available", "disconnected"),
    ("Preparing", "connected"),
    ("Charging", "charging"),
    ("SuspendedEV", "connected"),
    ("SuspendedEVSE", "connected"),
    ("Finishing", "connected"),
    ("Faulted", "error"),
    ("Available", "disconnected"),
]


def test_status_notifications_drive_the_live_state(portal, pairing):
    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            for ocpp_status, state in STATES:
                error = "GroundFailure" if ocpp_status == "Faulted" else "NoError"
                await cp.status(ocpp_status, error_code=error)
                await portal.await_status(pairing.charger_id, online=True, state=state)

    run(scenario())


def test_meter_values_show_power_energy_current_and_voltage(portal, pairing):
    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            portal.add_card(pairing.charger_id, CARD)
            await cp.status("Preparing")
            started = await cp.start_transaction(CARD, meter_start=10_000)
            await cp.status("Charging")
            await cp.meter_values(started.transaction_id, energy_wh=10_000, power_w=3680, current_a=16.0,
                                  voltage_v=230.0, soc=40)
            await cp.meter_values(started.transaction_id, energy_wh=11_250, power_w=7360, current_a=32.0,
                                  voltage_v=231.0, soc=45)
            await portal.await_status(
                pairing.charger_id, online=True, state="charging", charge_power_w=7360.0,
                session_energy_wh=1250.0, current_a=32.0, voltage_v=231.0,
            )

    run(scenario())


# --- Cards and transactions -----------------------------------------------------------------------


def test_a_card_of_the_portal_charges_and_the_charge_lands_in_the_history_with_its_cost(portal, pairing):
    card = portal.add_card(pairing.charger_id, CARD, "Blue card")

    async def scenario():
        async with charge_point(pairing) as cp:
            assert (await cp.boot()).status == "Accepted"
            await cp.status("Available")
            await portal.await_status(pairing.charger_id, online=True, state="disconnected")
            await cp.status("Preparing")
            await portal.await_status(pairing.charger_id, state="connected")
            assert await cp.authorize(card["code"]) == "Accepted"
            started = await cp.start_transaction(card["code"], meter_start=50_000)
            assert started.id_tag_info["status"] == "Accepted"
            assert isinstance(started.transaction_id, int)
            await cp.status("Charging")
            await cp.meter_values(started.transaction_id, energy_wh=52_000, power_w=7400, current_a=32.0,
                                  voltage_v=230.0)
            await portal.await_status(pairing.charger_id, state="charging", charge_power_w=7400.0,
                                      session_energy_wh=2000.0)
            stopped = await cp.stop_transaction(started.transaction_id, meter_stop=53_700, id_tag=card["code"])
            assert stopped.id_tag_info is None or stopped.id_tag_info["status"] == "Accepted"
            await cp.status("Finishing")
            await cp.status("Available")
            await portal.await_status(pairing.charger_id, state="disconnected")

    run(scenario())
    rows = portal.wait_sessions(pairing.charger_id)
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["energy_wh"] == pytest.approx(3700, abs=1)
    assert isinstance(row["cost"]["cents"], int) and row["cost"]["cents"] > 0, row
    assert 0 <= row["ended_at"] - row["started_at"] <= 60, row
    assert row["rfid"] == CARD, row


def test_a_charge_point_whose_clock_is_behind_still_gets_its_charge_recorded(portal, pairing):
    # Its StartTransaction is stamped 30 minutes before the pairing: the charge is dated from
    # the pairing rather than dropped as a charge of an earlier owner.
    portal.add_card(pairing.charger_id, CARD)
    behind = time.time() - 1800

    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            started = await cp.start_transaction(CARD, meter_start=0, timestamp=iso(behind))
            assert started.id_tag_info["status"] == "Accepted"
            await cp.stop_transaction(started.transaction_id, meter_stop=1_200, id_tag=CARD,
                                      timestamp=iso(behind + 600))

    run(scenario())
    rows = portal.wait_sessions(pairing.charger_id)
    assert [row["energy_wh"] for row in rows] == [pytest.approx(1200, abs=1)], rows


def test_an_unknown_card_is_invalid_for_authorize_and_start(portal, pairing):
    portal.add_card(pairing.charger_id, CARD)

    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            assert await cp.authorize("DEADBEEF99") == "Invalid"
            started = await cp.start_transaction("DEADBEEF99", meter_start=0)
            assert started.id_tag_info["status"] == "Invalid"
            # A card of another charger is unknown here too.
            other = portal.pair_ocpp(name="Other")
            portal.add_card(other.charger_id, "CAFE0001")
            assert await cp.authorize("CAFE0001") == "Invalid"
            assert await cp.authorize(CARD) == "Accepted"

    run(scenario())


def test_a_card_removed_in_the_portal_is_refused_from_then_on(portal, pairing):
    # Cards have no "disabled" state in the portal: removing one is how a card is withdrawn
    # (so the server answers Accepted or Invalid, never Blocked).
    card = portal.add_card(pairing.charger_id, CARD)

    async def scenario(expected):
        async with charge_point(pairing) as cp:
            await cp.boot()
            assert await cp.authorize(CARD) == expected

    run(scenario("Accepted"))
    portal.request("DELETE", f"/api/chargers/{pairing.charger_id}/cards/{card['id']}", expect=204)
    run(scenario("Invalid"))


def test_a_charge_point_that_reconnects_with_its_queued_stop_gets_the_charge_recorded_once(portal, pairing):
    portal.add_card(pairing.charger_id, CARD)
    begun = time.time()

    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            await cp.status("Preparing")
            started = await cp.start_transaction(CARD, meter_start=1_000, timestamp=iso(begun))
            await cp.status("Charging")
            await cp.meter_values(started.transaction_id, energy_wh=2_000, power_w=7000)
            await asyncio.sleep(3)
        # The connection dropped mid-charge; the charge point kept charging and queued its stop,
        # stamped when it happened (before the reconnection).
        stop = dict(
            transaction_id=started.transaction_id, meter_stop=8_000, timestamp=iso(begun + 2.5), reason="Local",
            id_tag=CARD, transaction_data=[
                meter_value(iso(begun + 1.5), 4_500, power_w=7000),
                meter_value(iso(begun + 2.5), 8_000, power_w=0),
            ],
        )
        async with charge_point(pairing) as cp:
            await cp.boot()
            await cp.stop_transaction(**stop)
            # The answer was lost: the charge point sends it again.
            await cp.stop_transaction(**stop)
            await cp.status("Available")
            await portal.await_status(pairing.charger_id, online=True, state="disconnected")
        async with charge_point(pairing) as cp:
            await cp.boot()
            await cp.stop_transaction(**stop)

    run(scenario())
    portal.wait_sessions(pairing.charger_id)
    time.sleep(1)  # a second record would come as fast as the first
    rows = portal.sessions(charger=pairing.charger_id)
    assert len(rows) == 1, rows
    assert rows[0]["energy_wh"] == pytest.approx(7_000, abs=1)
    assert rows[0]["cost"]["cents"] > 0


# --- Commands from the portal ---------------------------------------------------------------------


def test_the_slider_sets_a_charging_profile_with_its_limit(portal, pairing):
    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            await cp.status("Available")
            answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/intensity", {"amps": 10})
            assert answer.status_code == 200, answer.text
            sent = cp.last("SetChargingProfile")
            assert sent["connector_id"] == 1
            profile = sent["cs_charging_profiles"]
            assert profile["charging_profile_purpose"] == "TxDefaultProfile"
            schedule = profile["charging_schedule"]
            assert schedule["charging_rate_unit"] == "A"
            assert schedule["charging_schedule_period"][0]["limit"] == 10
            await portal.await_status(pairing.charger_id, intensity_a=10)

            for refusal in ("Rejected", "CALLERROR"):
                cp.answers["SetChargingProfile"] = refusal
                answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/intensity", {"amps": 12})
                assert answer.status_code == 409, (refusal, answer.text)
                assert answer.json()["reason"] == "charger_refused", answer.text
                assert cp.last("SetChargingProfile")["cs_charging_profiles"]["charging_schedule"][
                    "charging_schedule_period"][0]["limit"] == 12
            # Refused: the slider stays where the charger accepted it.
            await portal.await_status(pairing.charger_id, intensity_a=10)

    run(scenario())


def test_timers_and_dynamic_power_reach_the_charge_point_as_weekly_profiles(portal, pairing):
    charger = pairing.charger_id

    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            await cp.status("Available")
            # A timer on weekdays 22:00 → 07:00: the current is 16 A inside it, 0 A outside.
            timers = {"timers": [{"enabled": True, "days": [True] * 5 + [False] * 2, "start": 22 * 60, "end": 7 * 60}]}
            answer = await portal.aput(f"/api/chargers/{charger}/timers", timers)
            assert answer.status_code == 200, answer.text
            profile = cp.last("SetChargingProfile")["cs_charging_profiles"]
            assert profile["charging_profile_kind"] == "Recurring"
            assert profile["recurrency_kind"] == "Weekly"
            periods = profile["charging_schedule"]["charging_schedule_period"]
            assert [p["limit"] for p in periods[:3]] == [0, 16, 0], periods
            assert periods[1]["start_period"] == 22 * 3600, periods
            # The slider moves the limit inside the windows, keeping them.
            answer = await portal.aput(f"/api/chargers/{charger}/intensity", {"amps": 10})
            assert answer.status_code == 200, answer.text
            periods = cp.last("SetChargingProfile")["cs_charging_profiles"]["charging_schedule"][
                "charging_schedule_period"]
            assert [p["limit"] for p in periods[:3]] == [0, 10, 0], periods

            # Dynamic power: the most the whole charge point may draw, in watts, on connector 0.
            power = portal.get(f"/api/chargers/{charger}/dynamic-power")
            power.update(enabled=True, contracted_kw=5.0)
            answer = await portal.aput(f"/api/chargers/{charger}/dynamic-power", power)
            assert answer.status_code == 200, answer.text
            sent = cp.last("SetChargingProfile")
            assert sent["connector_id"] == 0
            profile = sent["cs_charging_profiles"]
            assert profile["charging_profile_purpose"] == "ChargePointMaxProfile"
            assert profile["charging_schedule"]["charging_rate_unit"] == "W"
            assert all(p["limit"] <= 5000 for p in profile["charging_schedule"]["charging_schedule_period"])
            power["enabled"] = False
            answer = await portal.aput(f"/api/chargers/{charger}/dynamic-power", power)
            assert answer.status_code == 200, answer.text
            assert cp.last("ClearChargingProfile")["id"] == 2

    run(scenario())


def test_locking_makes_the_connector_inoperative_and_unlocking_operative(portal, pairing):
    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            await cp.status("Available")
            answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/lock", {"locked": True})
            assert answer.status_code == 200, answer.text
            assert cp.last("ChangeAvailability") == {"connector_id": 1, "type": "Inoperative"}
            await cp.status("Unavailable")
            await portal.await_status(pairing.charger_id, locked=True)

            answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/lock", {"locked": False})
            assert answer.status_code == 200, answer.text
            assert cp.last("ChangeAvailability") == {"connector_id": 1, "type": "Operative"}
            await cp.status("Available")
            await portal.await_status(pairing.charger_id, locked=False)

            for refusal in ("Rejected", "CALLERROR"):
                cp.answers["ChangeAvailability"] = refusal
                answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/lock", {"locked": True})
                assert answer.status_code == 409, answer.text
                assert answer.json()["reason"] == "charger_refused", answer.text
            await portal.await_status(pairing.charger_id, locked=False)

    run(scenario())


def test_a_command_the_charge_point_never_answers_fails_within_about_ten_seconds(portal, pairing):
    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            await cp.status("Available")
            cp.ignored.add("ChangeAvailability")
            began = time.monotonic()
            answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/lock", {"locked": True})
            took = time.monotonic() - began
            assert answer.status_code == 409, answer.text
            assert answer.json()["reason"] == "charger_no_answer", answer.text
            assert 5 <= took <= 15, f"answered after {took:.1f} s"
            assert cp.last("ChangeAvailability") == {"connector_id": 1, "type": "Inoperative"}
            # The connection still serves the next command.
            cp.ignored.clear()
            answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/lock", {"locked": False})
            assert answer.status_code == 200, answer.text

    run(scenario())


def test_pause_stops_the_running_transaction_and_resume_starts_one(portal, pairing):
    portal.add_card(pairing.charger_id, CARD)

    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            await cp.status("Preparing")
            started = await cp.start_transaction(CARD, meter_start=100)
            await cp.status("Charging")
            await portal.await_status(pairing.charger_id, state="charging")

            answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/pause", {"paused": True})
            assert answer.status_code == 200, answer.text
            sent = cp.last("RemoteStopTransaction")
            assert sent == {"transaction_id": started.transaction_id}
            await cp.stop_transaction(started.transaction_id, meter_stop=600, reason="Remote")
            await cp.status("SuspendedEVSE")
            await portal.await_status(pairing.charger_id, state="connected", paused=True)

            answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/pause", {"paused": False})
            assert answer.status_code == 200, answer.text
            sent = cp.last("RemoteStartTransaction")
            assert sent.get("connector_id", 1) == 1 and sent["id_tag"], sent
            restarted = await cp.start_transaction(sent["id_tag"], meter_start=600)
            assert restarted.id_tag_info["status"] == "Accepted", "the portal's own tag is accepted"
            assert restarted.transaction_id != started.transaction_id
            await cp.status("Charging")
            await portal.await_status(pairing.charger_id, state="charging", paused=False)

            cp.answers["RemoteStopTransaction"] = "Rejected"
            answer = await portal.aput(f"/api/chargers/{pairing.charger_id}/pause", {"paused": True})
            assert answer.status_code == 409, answer.text
            assert answer.json()["reason"] == "charger_refused", answer.text
            await portal.await_status(pairing.charger_id, state="charging", paused=False)

    run(scenario())
    rows = portal.wait_sessions(pairing.charger_id)
    assert [r["energy_wh"] for r in rows] == [pytest.approx(500, abs=1)], rows


# --- Robustness -----------------------------------------------------------------------------------


MALFORMED = [
    ("-1", "not json at all", "FormationViolation"),
    ("-1", '{"not": "an array"}', "FormationViolation"),
    ("m1", '[2, "m1", "Heartbeat"]', "FormationViolation"),
    ("m2", '[2, "m2", "Heartbeat", []]', "FormationViolation"),
    ("m3", '[2, "m3", "Teleport", {}]', "NotImplemented"),
    ("m4", '[2, "m4", "StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Sleeping"}]',
     "PropertyConstraintViolation"),
    ("m5", '[2, "m5", "BootNotification", {"chargePointVendor": 5, "chargePointModel": "T"}]',
     "TypeConstraintViolation"),
    ("m6", '[2, "m6", "BootNotification", {"chargePointVendor": "V"}]', "ProtocolError"),
    ("m7", '[2, "m7", "BootNotification", {"chargePointVendor": "V", "chargePointModel": "T", "x": 1}]',
     "FormationViolation"),
    ("m8", '[2, "m8", "MeterValues", {"connectorId": 1, "meterValue": []}]', "OccurenceConstraintViolation"),
]


def test_malformed_frames_get_callerrors_and_the_connection_stays_usable(portal, pairing):
    async def scenario():
        async with connect(pairing) as ws:
            raw = RawSocket(ws)
            await raw.send(json.dumps([2, "boot", "BootNotification",
                                       {"chargePointVendor": "Raw", "chargePointModel": "Socket"}]))
            assert (await raw.answer_to("boot"))[2]["status"] == "Accepted"
            for message_id, text, code in MALFORMED:
                await raw.send(text)
                answer = await raw.answer_to(message_id)
                assert answer[0] == 4 and answer[2] == code, (text, answer)
                assert len(answer) == 5 and isinstance(answer[3], str) and isinstance(answer[4], dict), answer
            await raw.send(json.dumps([2, "hb", "Heartbeat", {}]))
            answer = await raw.answer_to("hb")
            assert answer[0] == 3 and answer[2]["currentTime"], answer
            await raw.send(json.dumps([2, "st", "StatusNotification",
                                       {"connectorId": 1, "errorCode": "NoError", "status": "Charging"}]))
            assert (await raw.answer_to("st"))[0] == 3
            await portal.await_status(pairing.charger_id, online=True, state="charging")

    run(scenario())


def test_a_second_connector_appears_as_a_second_charger_of_the_owner(portal, pairing):
    async def scenario():
        async with charge_point(pairing) as cp:
            await cp.boot()
            await cp.status("Available", connector=1)
            await cp.status("Charging", connector=2)
            chargers = await portal.await_(lambda: len(portal.chargers()) == 2 and portal.chargers(), 5,
                                           "a second charger in GET /api/chargers")
            second = next(c for c in chargers if c["id"] != pairing.charger_id)
            assert len(second["id"]) == 10
            assert second["role"] == "owner"
            await portal.await_status(second["id"], online=True, state="charging")
            await portal.await_status(pairing.charger_id, online=True, state="disconnected")
            # Connector 2 again makes no third charger.
            await cp.status("Finishing", connector=2)
            await portal.await_status(second["id"], state="connected")
            assert len(await asyncio.to_thread(portal.chargers)) == 2

    run(scenario())


@pytest.mark.parametrize("how", ["goes silent", "disconnects"])
def test_a_charge_point_is_offline_within_two_heartbeats(portal, pairing, how):
    async def scenario():
        async with charge_point(pairing, ping_interval=None) as cp:
            await cp.boot()
            await cp.status("Available")
            await portal.await_status(pairing.charger_id, online=True)
            # Heartbeats keep it online past two intervals.
            await asyncio.sleep(HEARTBEAT_SECS * 2 + 1)
            assert (await asyncio.to_thread(portal.status, pairing.charger_id))["online"] is True
            cp.stop_heartbeats()
            if how == "goes silent":
                began = time.monotonic()
                await portal.await_status(pairing.charger_id, timeout=HEARTBEAT_SECS * 2 + 2, online=False)
                assert time.monotonic() - began >= HEARTBEAT_SECS, "not offline before it missed a heartbeat"
        if how == "disconnects":
            await portal.await_status(pairing.charger_id, timeout=HEARTBEAT_SECS * 2 + 1, online=False)
        detail = await portal.aget(f"/api/chargers/{pairing.charger_id}")
        assert detail["ocpp"]["connected"] is False, detail["ocpp"]
        # Connecting again brings it back.
        async with charge_point(pairing) as cp:
            await cp.boot()
            await portal.await_status(pairing.charger_id, online=True)

    run(scenario())
