"""Benchmarks of the bot's pipeline, each against a baseline run in the same command.

1. Webhook acknowledgement: 2,000 signed deliveries at concurrency 50 while the
   emulator adds 100 ms to every API call; the bot (store, answer, work later)
   against a synchronous baseline (the same handlers called inside the request).
2. Command to direct message: ``add`` in a space until the DM with the QR code
   arrives, no added latency; baseline: one API round trip to the emulator.
3. One reminder sweep over 100,000 lines with 1% due; baseline: claiming alone.
4. QR codes per second; baseline: encoding without drawing the PNG.
5. Peak memory of one web worker (``webex-go-bot serve``) after 10,000 events;
   baseline: the same process before the first event.

Figures, not pass/fail. ``make bench`` runs all and writes docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import requests  # noqa: E402
import segno  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bot import create_app  # noqa: E402
from bot.sandbox import Sandbox  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.signature import sign  # noqa: E402
from emulator import Emulator, EmulatorServer, seed_demo  # noqa: E402
from handlers.qr import make_qr_png  # noqa: E402
from handlers.reminders import run_sweep  # noqa: E402
from storage.db import make_engine, transaction  # noqa: E402
from storage.events import count_unfinished_events  # noqa: E402
from storage.models import ActivationCode, CodeState, Line, LineStatus, Reminder  # noqa: E402
from storage.schema import upgrade_schema  # noqa: E402

SECRET = "bench-secret"
Row = tuple[str, str, str, str]  # benchmark, measure, bot, baseline


def main() -> int:
    scale = 10 if "--quick" in sys.argv else 1  # a smoke run, not for the report
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        rows += bench_acknowledgement(Path(folder), deliveries=2000 // scale)
        rows += bench_command_to_dm(Path(folder))
        rows += bench_sweep(Path(folder), lines=100_000 // scale)
        rows += bench_qr()
        rows += bench_worker_memory(Path(folder), events=10_000 // scale)
    table = _table(rows)
    print(table)  # noqa: T201
    if scale == 1:
        _write_report(table)
    return 0


# 1 ------------------------------------------------------------------------------


def bench_acknowledgement(folder: Path, deliveries: int = 2000, concurrency: int = 50):
    emu = Emulator()
    org = seed_demo(emu)
    server = EmulatorServer(emu)
    server.start()
    try:
        bodies = _messages_and_bodies(emu, org, server, deliveries)
        emu.latency_ms = 100
        threads = int(os.environ.get("BENCH_WORKER_THREADS", "4"))
        env, database = _bot_environment(
            server, org, folder / "ack.db", threads=threads
        )
        gunicorn = (
            f"-m gunicorn --workers 2 --worker-class gthread --threads 16 "
            f"--bind 127.0.0.1:{env['PORT']} --no-control-socket "
            "bench.ack_server:create()"
        )
        with _bot_process(gunicorn, env) as (url, _process):
            async_times, async_wall = _fire(
                f"{url}/webhooks/webex", bodies, concurrency
            )
            drained = _drain(database, started=time.perf_counter() - async_wall)
            sync_times, sync_wall = _fire(f"{url}/sync-webhook", bodies, concurrency)
    finally:
        server.stop()
    ratio = statistics.median(sync_times) / statistics.median(async_times)
    return [
        (
            "1 ack",
            "p50 latency",
            _ms(statistics.median(async_times)),
            _ms(statistics.median(sync_times)),
        ),
        ("1 ack", "p99 latency", _ms(_p99(async_times)), _ms(_p99(sync_times))),
        (
            "1 ack",
            "accepted per second",
            f"{deliveries / async_wall:,.0f}",
            f"{deliveries / sync_wall:,.0f}",
        ),
        ("1 ack", "p50 ratio (baseline / bot)", f"{ratio:,.0f}×", "1×"),
        (
            "1 ack",
            f"all {deliveries:,} processed after",
            f"{drained:.1f} s",
            "(in the request)",
        ),
    ]


def _bot_environment(server, org, database: Path, threads: int) -> tuple[dict, str]:
    url = f"sqlite:///{database}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBEX_")} | {
        "WEBEX_BOT_TOKEN": org["tokens"]["bot"],
        "WEBEX_API_URL": server.base_url,
        "WEBEX_WEBHOOK_SECRET": SECRET,
        "PORT": str(_free_port()),
        "LOG_LEVEL": "ERROR",
        "DATABASE_URL": url,
        "WORKER_THREADS": str(threads),
        "PYTHONPATH": str(REPO),
    }
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    return env, url


@contextmanager
def _bot_process(script: str, env: dict):
    process = subprocess.Popen(
        [sys.executable, *script.split()],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        _wait(f"{url}/healthz")
        yield url, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _messages_and_bodies(emu, org, server, count):
    """``count`` 1:1 messages, and the webhook bodies Webex would send for them."""
    person, token = emu.add_person("bench@example.com", "Bench Person")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    bodies = []
    for _ in range(count):
        message = session.post(
            server.base_url + "messages",
            json={"toPersonEmail": "gobot@webex.bot", "text": "help"},
            timeout=10,
        ).json()
        envelope = {
            "id": "bench-webhook",
            "resource": "messages",
            "event": "created",
            "data": {
                "id": message["id"],
                "roomId": message["roomId"],
                "roomType": "direct",
                "personId": person["id"],
            },
        }
        bodies.append(json.dumps(envelope).encode())
    return bodies


def _bot_app(server, org, database: Path):
    """The bot in this process, without worker threads (the sweep runs here)."""
    settings = load_settings(
        environ={},
        env_file=None,
        bot_token=org["tokens"]["bot"],
        api_url=server.base_url,
        webhook_secret=SECRET,
        database_url=f"sqlite:///{database}",
        log_level="ERROR",
    )
    engine = make_engine(settings.database_url)
    upgrade_schema(engine)
    return create_app(settings, engine=engine, start_workers=False)


def _fire(url: str, bodies: list[bytes], concurrency: int) -> tuple[list[float], float]:
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=concurrency)
    session.mount("http://", adapter)

    def post(body: bytes) -> float:
        started = time.perf_counter()
        response = session.post(
            url,
            data=body,
            timeout=60,
            headers={
                "Content-Type": "application/json",
                "X-Spark-Signature": sign(body, SECRET),
            },
        )
        response.raise_for_status()
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        times = list(pool.map(post, bodies))
    return times, time.perf_counter() - started


def _drain(database_url: str, started: float, timeout: float = 600.0) -> float:
    """Seconds from the first delivery until no event is left unprocessed."""
    engine = make_engine(database_url)
    deadline = time.perf_counter() + timeout
    while count_unfinished_events(engine) and time.perf_counter() < deadline:
        time.sleep(0.1)
    engine.dispose()
    return time.perf_counter() - started


# 2 ------------------------------------------------------------------------------


def bench_command_to_dm(folder: Path, commands: int = 30):
    sandbox = Sandbox(folder / "dm.db", log_level="ERROR")
    try:
        latencies = []
        for n in range(commands):
            email = f"dm{n}@example.com"
            sandbox.emulator.add_person(email, f"DM {n}")
            started = time.perf_counter()
            sandbox.mention(f"add {email}")
            while not sandbox.emulator.messages(to_person_email=email):
                time.sleep(0.002)
            latencies.append(time.perf_counter() - started)
        round_trips = []
        client = sandbox.client("admin@example.com")
        for _ in range(commands):
            started = time.perf_counter()
            client.people.me()
            round_trips.append(time.perf_counter() - started)
    finally:
        sandbox.close()
    return [
        (
            "2 command to DM",
            "p50",
            _ms(statistics.median(latencies)),
            _ms(statistics.median(round_trips)),
        ),
        ("2 command to DM", "max", _ms(max(latencies)), _ms(max(round_trips))),
    ]


# 3 ------------------------------------------------------------------------------


def bench_sweep(folder: Path, lines: int = 100_000, due_share: float = 0.01):
    emu = Emulator()
    org = seed_demo(emu)
    server = EmulatorServer(emu)
    server.start()
    try:
        due = int(lines * due_share)
        for n in range(due):
            emu.add_person(f"line{n}@example.com", f"Line {n}")
        app = _bot_app(server, org, folder / "sweep.db")
        runtime = app.extensions["webex_go_bot"]
        _fill(runtime.engine, lines, due)
        services = runtime.services
        runtime.clock.advance(
            timedelta(days=-2)
        )  # the baseline: a sweep with nothing due
        idle = _timed(lambda: run_sweep(services, "bench"))
        runtime.clock.advance(timedelta(days=2))
        elapsed = _timed(lambda: _sweep_all(services))
        sent = len(
            [m for m in emu.messages(sent_by="gobot@webex.bot") if m.get("files")]
        )
    finally:
        server.stop()
    return [
        (
            "3 sweep",
            f"{lines:,} lines, {due:,} due",
            f"{elapsed:.1f} s",
            f"{idle * 1000:,.0f} ms (nothing due)",
        ),
        ("3 sweep", "reminders sent per second", f"{sent / elapsed:,.0f}", ""),
    ]


def _sweep_all(services) -> None:
    while run_sweep(services, "bench").sent:
        pass


def _fill(engine, lines: int, due: int) -> None:
    now = datetime.now(UTC)
    with transaction(engine) as session:
        session.execute(
            insert(Line),
            [
                {
                    "id": n + 1,
                    "email": f"line{n}@example.com",
                    "status": LineStatus.PENDING_ACTIVATION,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(lines)
            ],
        )
        session.execute(
            insert(ActivationCode),
            [
                {
                    "id": n + 1,
                    "line_id": n + 1,
                    "smdp_address": "smdp.bench.example",
                    "matching_id": f"BENCH-{n:08d}",
                    "state": CodeState.ACTIVE,
                    "issued_at": now - timedelta(days=60),
                    "expires_at": now + timedelta(days=30),
                }
                for n in range(lines)
            ],
        )
        session.execute(
            insert(Reminder),
            [
                {
                    "code_id": n + 1,
                    "line_email": f"line{n}@example.com",
                    "days_before": 30,
                    "due_at": now - timedelta(minutes=1)
                    if n < due
                    else now + timedelta(days=23),
                }
                for n in range(lines)
            ],
        )


# 4 ------------------------------------------------------------------------------


def bench_qr(count: int = 1000):
    texts = [
        f"LPA:1$smdp.webexgo.example.com$BENCH-{n:05d}-ABCDE-FGHIJ"
        for n in range(count)
    ]
    png = _timed(lambda: [make_qr_png(text) for text in texts])
    encode = _timed(
        lambda: [segno.make(text, error="m", micro=False) for text in texts]
    )
    return [
        (
            "4 QR codes",
            "per second",
            f"{count / png:,.0f}",
            f"{count / encode:,.0f} (encode only)",
        )
    ]


# 5 ------------------------------------------------------------------------------


def bench_worker_memory(folder: Path, events: int = 10_000):
    emu = Emulator()
    org = seed_demo(emu)
    server = EmulatorServer(emu)
    server.start()
    try:
        env, database = _bot_environment(server, org, folder / "memory.db", threads=4)
        script = "-m bot.cli serve --no-scheduler"
        with _bot_process(script, env) as (url, process):
            before = _peak_kib(process.pid)
            bodies = _messages_and_bodies(emu, org, server, events)
            _fire(f"{url}/webhooks/webex", bodies, 20)
            _drain(database, started=time.perf_counter())
            after = _peak_kib(process.pid)
    finally:
        server.stop()
    return [
        (
            "5 worker memory",
            f"peak RSS after {events:,} events",
            f"{after / 1024:,.0f} MiB",
            f"{before / 1024:,.0f} MiB (started, idle)",
        )
    ]


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


# ----------------------------------------------------------------------------------


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _wait(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def _p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99) - 1]


def _table(rows: list[Row]) -> str:
    header = ("benchmark", "measure", "bot", "baseline (same run)")
    lines = [f"| {' | '.join(header)} |", "|" + "---|" * len(header)]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def _write_report(table: str) -> None:
    machine = (
        f"{platform.node()}: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    text = (
        "# Benchmarks\n\n"
        f"Run by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC,\n"
        f"on {machine}.\n"
        "Figures, not pass/fail; `bench/pipeline_bench.py` says what each measures.\n\n"
        f"{table}\n"
    )
    (REPO / "docs" / "benchmarks.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
