"""The command line as an operator runs it: real processes, the emulator on loopback."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from emulator import Emulator, EmulatorServer, seed_demo

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def emulator():
    emu = Emulator()
    org = seed_demo(emu)
    server = EmulatorServer(emu)
    server.start()
    yield emu, org, server
    server.stop()


def _replies(emu):
    return emu.messages(sent_by="gobot@webex.bot")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command, environment, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WEBEX_", "PUBLIC_URL", "DATABASE_URL"))
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *command],
        cwd=tmp_path,
        env=env | environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process):
    output, _ = process.communicate(timeout=60)
    return process.returncode, output


def _wait_for(url, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return True
        except requests.ConnectionError:
            time.sleep(0.1)
    return False


def _serve_environment(server, tmp_path, port):
    return {
        "WEBEX_BOT_TOKEN": "emu-token-bot",
        "WEBEX_API_URL": server.base_url,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "ADMIN_EMAILS": "admin@example.com",
        "PYTHONPATH": str(REPO),
    }


def test_serve_registers_webhooks_once_answers_and_stops_on_sigterm(emulator, tmp_path):
    emu, org, server = emulator
    port = _free_port()
    environment = _serve_environment(server, tmp_path, port)

    assert _finish(_start(["db", "upgrade"], environment, tmp_path))[0] == 0
    outputs = []
    for run in (1, 2):  # a restart reuses the webhooks it made before
        process = _start(["serve"], environment, tmp_path)
        try:
            assert _wait_for(f"http://127.0.0.1:{port}/healthz"), process.stdout
            admin = requests.Session()
            admin.headers["Authorization"] = "Bearer emu-token-admin"
            admin.post(
                server.base_url + "messages",
                json={
                    "roomId": org["admin_room"]["id"],
                    "markdown": f"<@personId:{org['people']['bot']['id']}|GoBot> help",
                },
                timeout=5,
            ).raise_for_status()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and len(_replies(emu)) < run:
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        outputs.append(output)

    bot_hooks = requests.get(
        server.base_url + "webhooks",
        headers={"Authorization": "Bearer emu-token-bot"},
        timeout=5,
    ).json()["items"]
    assert len(bot_hooks) == 3
    assert len(_replies(emu)) == 2, outputs  # one help per run


def test_serve_without_a_token_names_what_to_set(tmp_path):
    process = _start(["serve"], {"PYTHONPATH": str(REPO)}, tmp_path)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "WEBEX_BOT_TOKEN is not set: set WEBEX_BOT_TOKEN to" in output


def test_a_malformed_setting_is_one_line_naming_it(tmp_path):
    process = _start(
        ["serve"],
        {"PYTHONPATH": str(REPO), "REMINDER_HOUR": "25", "PORT": "x"},
        tmp_path,
    )
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    lines = [line for line in output.splitlines() if line.startswith("webex-go-bot:")]
    assert len(lines) == 2 and any("REMINDER_HOUR" in line for line in lines)


def test_the_scheduler_process_starts_and_stops_cleanly(emulator, tmp_path):
    _emu, _org, server = emulator
    environment = _serve_environment(server, tmp_path, _free_port())
    environment["WEBEX_WEBHOOK_SECRET"] = "secret-for-the-scheduler"
    assert _finish(_start(["db", "upgrade"], environment, tmp_path))[0] == 0
    process = _start(["scheduler"], environment, tmp_path)
    time.sleep(3)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "reminder sweep every 5 minutes" in output


def test_serve_refuses_an_outdated_schema_and_says_what_to_run(emulator, tmp_path):
    _emu, _org, server = emulator
    environment = _serve_environment(server, tmp_path, _free_port())
    process = _start(["serve"], environment, tmp_path)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "run `webex-go-bot db upgrade`" in output
