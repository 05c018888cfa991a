"""``webex-go-bot demo``: the bot and the Webex emulator on loopback, and a console.

Lines typed (or played from a script) are posted by the demo admin in the admin
space with the bot mentioned, through the emulator's real API; the bot receives
them as signed webhooks like in production. The console prints what the bot
answers and every direct message, and saves each QR code it sends.
"""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from webexpythonsdk import WebexAPI

from bot import create_app
from bot.registration import register_webhooks
from bot.server import BackgroundServer
from bot.settings import load_settings
from emulator import Emulator, EmulatorServer, seed_demo
from storage.events import count_unfinished_events

ADMIN_EMAIL = "admin@example.com"


class Demo:
    def __init__(self, output: Path) -> None:
        self.output = output
        self.qr_folder = output / "qr"
        self.qr_folder.mkdir(parents=True, exist_ok=True)
        for old in self.qr_folder.glob("*.png"):
            old.unlink()
        database = output / "demo.db"
        for path in output.glob("demo.db*"):
            path.unlink()

        self.emulator = Emulator()
        self.org = seed_demo(self.emulator)
        self.emulator_server = EmulatorServer(self.emulator)
        self.emulator_server.start()
        self.bot = self.org["people"]["gobot@webex.bot"]
        self.room_id = self.org["admin_room"]["id"]

        settings = load_settings(
            env_file=None,
            bot_token=self.org["tokens"]["gobot@webex.bot"],
            api_url=self.emulator_server.base_url,
            webhook_secret=secrets.token_urlsafe(32),
            database_url=f"sqlite:///{database}",
            admin_emails=(ADMIN_EMAIL,),
            worker_threads=2,
            log_level="WARNING",
        )
        self.app = create_app(settings)
        self.runtime = self.app.extensions["webex_go_bot"]
        self.bot_server = BackgroundServer(self.app).start()
        register_webhooks(
            self.runtime.services.chat, self.bot_server.url, self.runtime.secret
        )
        self._seen = len(self.emulator.messages())
        self._saved: list[Path] = []

    def close(self) -> None:
        self.bot_server.stop()
        self.emulator_server.stop()

    def say(self, line: str) -> None:
        """Post one console line and print what the bot sends back."""
        if line.startswith("/as "):
            _, email, text = (line.split(maxsplit=2) + [""])[:3]
            self._client(email).messages.create(
                toPersonEmail=self.bot["emails"][0], text=text
            )
        else:
            mention = f"<@personId:{self.bot['id']}|{self.bot['displayName']}>"
            self._client(ADMIN_EMAIL).messages.create(
                roomId=self.room_id, markdown=f"{mention} {line}"
            )
        self._settle()
        for message in self.emulator.messages()[self._seen :]:
            self._show(message)
        self._seen = len(self.emulator.messages())

    def check_saved_codes(self) -> None:
        """Decode each saved QR code; say if the bot's records still accept it."""
        for path in self._saved:
            text = _decode(path)
            state = self.runtime.services.devices.check_code(text) if text else None
            verdict = state.value if state else "unknown to the bot"
            print(f"    {path}: decodes to {text}; on record: {verdict}")

    def _client(self, email: str) -> WebexAPI:
        return WebexAPI(
            access_token=self.org["tokens"][email],
            base_url=self.emulator_server.base_url,
        )

    def _settle(self, timeout: float = 20.0) -> None:
        """Wait until deliveries are made and events processed, twice running."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            self.emulator.wait_idle(timeout=1.0)
            busy = count_unfinished_events(self.runtime.engine) > 0
            quiet = 0 if busy else quiet + 1
            time.sleep(0.05)

    def _show(self, message: dict) -> None:
        sender = message.get("personEmail")
        if message.get("roomType") == "direct":
            other = message.get("toPersonEmail") or "the bot"
            where = f"direct message to {other}" if sender != ADMIN_EMAIL else "1:1"
        else:
            where = "Webex Go admins"
        if message.get("personId") != self.bot["id"]:
            print(f"  {sender} ({where}): {message.get('text', '')}")
            return
        print(f"  GoBot → {where}:")
        for text_line in (
            message.get("markdown") or message.get("text") or ""
        ).splitlines():
            print(f"    {text_line}")
        for filename, _type, content in self.emulator.file_bytes(message):
            self._save_qr(message, filename, content)

    def _save_qr(self, message: dict, filename: str, content: bytes) -> None:
        owner = message.get("toPersonEmail", "unknown")
        path = self.qr_folder / f"{len(self._saved) + 1:02d}-{owner}-{filename}"
        path.write_bytes(content)
        self._saved.append(path)
        text = _decode(path)
        state = self.runtime.services.devices.check_code(text) if text else None
        print(f"    [QR code saved to {path}]")
        if text is not None:
            verdict = state.value if state else "unknown to the bot"
            print(
                f"    [it decodes to {text}; the bot's record of this code: {verdict}]"
            )


def _decode(path: Path) -> str | None:
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        return None
    with Image.open(path) as image:
        found = zxingcpp.read_barcodes(image)
    return found[0].text if found else None


def _lines(script: Path | None) -> Iterator[str]:
    if script is not None:
        yield from script.read_text(encoding="utf-8").splitlines()
    if sys.stdin.isatty():
        print(
            '\nType as Ada the admin ("/as EMAIL TEXT" writes 1:1 as someone else, '
            '"/check" re-checks saved QR codes, Ctrl-D quits).'
        )
        while True:
            try:
                yield input("admin> ")
            except EOFError:
                print()
                return
    elif script is None:
        yield from sys.stdin.read().splitlines()


def run_demo(script: Path | None, output: Path) -> int:
    demo = Demo(output)
    print(f"Webex emulator at {demo.emulator_server.base_url}")
    print(f"The bot at {demo.bot_server.url}")
    print(f"QR codes are saved in {demo.qr_folder}/\n")
    try:
        _play(demo, _lines(script))
    finally:
        demo.close()
    return 0


def _play(demo: Demo, lines: Iterable[str]) -> None:
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            print(f"\n{line}")
        elif line == "/check":
            demo.check_saved_codes()
        else:
            print(f"> {line}")
            demo.say(line)
