"""tools/demo-charge-point.py against the server, as a newcomer and the Playwright test run it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import wait_until

DEMO = Path(__file__).resolve().parents[3] / "tools" / "demo-charge-point.py"
DEMO_CARD = "DEC0DE01"


@pytest.fixture
def demo(pairing, tmp_path):
    """Starts the demo charge point for `pairing`; yields a function that starts it, and stops it."""
    started = []

    def start(*extra: str) -> subprocess.Popen:
        out = open(tmp_path / "demo.log", "wb")
        process = subprocess.Popen(
            [sys.executable, str(DEMO), "--endpoint", pairing.endpoint, "--id", pairing.charge_point_id,
             "--password", pairing.password, "--plug-after", "0.5", "--meter-interval", "1", *extra],
            stdout=out, stderr=subprocess.STDOUT,
        )
        process.log = tmp_path / "demo.log"
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
        print(f"--- demo charge point ---\n{process.log.read_text(errors='replace')}")


def test_the_demo_charges_with_its_card_obeys_the_portal_and_ends_on_sigterm(portal, pairing, demo):
    portal.add_card(pairing.charger_id, DEMO_CARD, "Demo card")
    process = demo()
    charger = pairing.charger_id
    portal.wait_status(charger, timeout=10, online=True, state="charging", charge_power_w=3680.0, current_a=16.0,
                       voltage_v=230.0)
    status = portal.wait_status(charger, timeout=5, state="charging")
    assert status["session_energy_wh"] >= 0

    answer = portal.put(f"/api/chargers/{charger}/intensity", {"amps": 10})
    assert answer.status_code == 200, answer.text
    portal.wait_status(charger, timeout=5, state="charging", charge_power_w=2300.0, current_a=10.0)

    answer = portal.put(f"/api/chargers/{charger}/lock", {"locked": True})
    assert answer.status_code == 200, answer.text
    portal.wait_status(charger, timeout=5, state="connected", charge_power_w=0.0)
    answer = portal.put(f"/api/chargers/{charger}/lock", {"locked": False})
    assert answer.status_code == 200, answer.text
    portal.wait_status(charger, timeout=5, state="charging")

    answer = portal.put(f"/api/chargers/{charger}/pause", {"paused": True})
    assert answer.status_code == 200, answer.text
    portal.wait_status(charger, timeout=5, state="connected")
    rows = portal.sessions(charger=charger)
    assert len(rows) == 1 and rows[0]["energy_wh"] >= 0, rows
    answer = portal.put(f"/api/chargers/{charger}/pause", {"paused": False})
    assert answer.status_code == 200, answer.text
    portal.wait_status(charger, timeout=5, state="charging")

    # Restart: a soft Reset; the demo ends its charge, reconnects and boots again.
    answer = portal.post(f"/api/chargers/{charger}/operations", {"operation": "restart"})
    assert answer.status_code in (200, 202, 204), answer.text
    portal.wait_sessions(charger, count=2)
    portal.wait_status(charger, timeout=10, online=True, state="connected")

    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0
    assert time.monotonic() - began < 5, "the demo took long to stop"
    portal.wait_status(charger, timeout=10, online=False)


def test_the_demo_stops_after_the_energy_asked_for(portal, pairing, demo):
    portal.add_card(pairing.charger_id, DEMO_CARD)
    demo("--stop-after-kwh", "0.005", "--default-amps", "32", "--phases", "3")
    # 32 A on 3 phases is 22 kW: 5 Wh in about a second.
    found = []

    def recorded():
        found[:] = portal.sessions(charger=pairing.charger_id)
        return found
    wait_until(recorded, 20, "the demo's charge in the history")
    assert found[0]["energy_wh"] >= 5, found
    portal.wait_status(pairing.charger_id, timeout=10, state="disconnected", online=True)


def test_the_demo_exits_with_status_2_when_its_password_is_refused(pairing, tmp_path):
    result = subprocess.run(
        [sys.executable, str(DEMO), "--endpoint", pairing.endpoint, "--id", pairing.charge_point_id,
         "--password", "not the password"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "HTTP 401" in result.stdout
