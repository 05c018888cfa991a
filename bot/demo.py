"""``webex-go-bot demo``: the bot and the Webex emulator on loopback, and a console.

Lines typed (or played from a script) are posted by the demo admin in the admin
space with the bot mentioned, through the emulator's real API; the bot receives
them as signed webhooks like in production. The console prints what the bot
answers and every direct message, and saves each QR code it sends.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from webexpythonsdk.exceptions import ApiError

from bot.sandbox import ADMIN_EMAIL, Sandbox
from bot.scheduler import ReminderSweeper, start_scheduler
from handlers.activation import ActivationData, new_matching_id
from handlers.delivery import QR_FILENAME
from handlers.qr import make_qr_png, read_qr_codes


class Demo:
    def __init__(
        self,
        output: Path,
        scheduler: bool = True,
        clock_offset_days: int = 0,
        device_service: str = "embedded",
    ) -> None:
        self.qr_folder = output / "qr"
        self.qr_folder.mkdir(parents=True, exist_ok=True)
        for old in [*self.qr_folder.glob("*.png"), *output.glob("demo.db*")]:
            old.unlink()
        self.sandbox = Sandbox(
            output / "demo.db", log_level="WARNING", device_service=device_service
        )
        self.sandbox.runtime.clock.advance(timedelta(days=clock_offset_days))
        self.sweep = ReminderSweeper(self.sandbox.runtime)
        self.scheduler = start_scheduler(self.sandbox.runtime) if scheduler else None
        self._seen = 0
        self._saved: list[Path] = []
        self._files = 0
        self._direct_rooms: dict[str, str] = {}

    def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
        self.sandbox.close()

    def advance(self, days: int) -> None:
        """Move the bot's clock; the sweep then sends what fell due."""
        clock = self.sandbox.runtime.clock
        clock.advance(timedelta(days=days))
        print(f"  ⏩ the bot's clock now reads {clock.now():%A %d %B %Y %H:%M} UTC")
        self.sweep()
        self._print_new()

    def say(self, line: str) -> None:
        """Post one console line and print what the bot sends back."""
        words = line.split()
        if line.startswith("/as ") and len(words) >= 3:
            self.sandbox.write_directly(words[1], line.split(maxsplit=2)[2])
        elif words[0] in ("/confirm", "/cancel"):
            if not self._press(0 if words[0] == "/confirm" else 1, words[1:]):
                return
        elif words[0] == "/phone" and len(words) == 3:
            self._phone(words[1], words[2])
            return
        elif (
            words[0] == "/advance"
            and len(words) == 2
            and words[1].lstrip("-").isdigit()
        ):
            self.advance(int(words[1]))
            return
        elif words[0] == "/self-service" and len(words) == 2:
            self.sandbox.set_self_service(words[1])
            print(f"  ⚙ SELF_SERVICE is now {words[1]}")
            return
        elif words[0] == "/attach" and len(words) >= 3:
            self.sandbox.attach(Path(words[1]), line.split(maxsplit=2)[2])
        elif words[0] == "/attach-qr" and len(words) == 2:
            self._attach_control_hub_qr(words[1])
        elif words[0] == "/mention":
            self.sandbox.mention("")
        elif line.startswith("/"):
            print(f"  (unknown console command {words[0]}; see the help above)")
            return
        else:
            self.sandbox.mention(line)
        self._print_new()

    def _attach_control_hub_qr(self, email: str) -> None:
        """Attach a QR screenshot, as Control Hub shows one, to ``send code EMAIL``."""
        code = ActivationData("smdp.controlhub.example.com", new_matching_id())
        path = self.qr_folder / f"control-hub-{email}.png"
        path.write_bytes(make_qr_png(code.activation_string))
        print(f"  (a QR code from Control Hub, saved as {path}, is attached)")
        self.sandbox.attach_bytes(path.read_bytes(), path.name, f"send code {email}")

    def _press(self, button: int, who: list[str]) -> bool:
        cards = self.sandbox.cards_sent()
        if not cards:
            print("  (no card to press)")
            return False
        sender = who[0] if who else ADMIN_EMAIL
        print(
            f"  {sender} presses “{_button_title(cards[-1], button)}” on the last card"
        )
        try:
            self.sandbox.press(cards[-1], button, sender)
        except ApiError as error:
            print(f"  (Webex refused: {error.status_code} {error.message})")
            return False
        return True

    def _phone(self, email: str, action: str) -> None:
        if action == "scan":
            result = self.sandbox.scan_latest_qr(email)
        else:
            result = self.sandbox.phone.report(email, action)
        verdict = result.body.get("status") or result.body.get("reason")
        print(f"  📱 {email}'s phone, {action}: {verdict} (HTTP {result.status_code})")
        self._print_new()

    def _print_new(self) -> None:
        self.sandbox.settle()
        messages = self.sandbox.emulator.messages()
        for message in messages[self._seen :]:
            self._show(message)
        self._seen = len(messages)

    def check_saved_codes(self) -> None:
        """Decode each saved QR code; say if the bot's records still accept it."""
        for path in self._saved:
            print(f"    {path}: {self._verdict(path)}")

    def _show(self, message: dict) -> None:
        sender = message.get("personEmail")
        if message.get("personId") != self.sandbox.bot["id"]:
            if message.get("roomType") == "direct":
                self._direct_rooms[message["roomId"]] = sender
            print(f"  {sender}: {message.get('text', '')}")
            return
        if message.get("roomType") == "direct":
            person = message.get("toPersonEmail") or self._direct_rooms.get(
                message["roomId"]
            )
            where = f"direct message to {person}"
        else:
            where = "Webex Go admins"
        print(f"  GoBot → {where}:")
        for text_line in (
            message.get("markdown") or message.get("text") or ""
        ).splitlines():
            print(f"    {text_line}")
        for attachment in message.get("attachments") or []:
            for text_line in _card_lines(attachment.get("content", {})):
                print(f"    │ {text_line}")
        for filename, _type, content in self.sandbox.emulator.file_bytes(message):
            self._save_qr(message, filename, content)

    def _save_qr(self, message: dict, filename: str, content: bytes) -> None:
        owner = message.get("toPersonEmail") or "admins"
        self._files += 1
        path = self.qr_folder / f"{self._files:02d}-{owner}-{filename}"
        path.write_bytes(content)
        if filename != QR_FILENAME:
            print(f"    [file {filename} saved to {path}]")
            return
        self._saved.append(path)
        print(f"    [QR code saved to {path}: {self._verdict(path)}]")

    def _verdict(self, path: Path) -> str:
        text = _decode(path)
        state = self.sandbox.runtime.services.codebook.check_code(text)
        record = state.value if state else "unknown to the bot"
        return f"decodes to {text}; the bot's record of this code: {record}"


def _card_lines(card: dict) -> list[str]:
    """A card as a console shows it: its texts, facts and buttons."""
    lines: list[str] = []

    def walk(elements: list[dict]) -> None:
        for element in elements:
            kind = element.get("type")
            if kind == "TextBlock":
                lines.append(element.get("text", ""))
            elif kind == "FactSet":
                lines.extend(
                    f"  {f['title']}: {f['value']}" for f in element.get("facts", [])
                )
            elif kind == "Input.Text":
                lines.append(f"[{element.get('label', element.get('id'))}: ______]")
            walk(element.get("items", []))

    walk(card.get("body", []))
    buttons = [action.get("title", "?") for action in card.get("actions", [])]
    if buttons:
        lines.append("[ " + " ] [ ".join(buttons) + " ]")
    return lines


def _button_title(card_message: dict, button: int) -> str:
    actions = card_message["attachments"][0]["content"].get("actions", [])
    return actions[button]["title"] if button < len(actions) else "?"


def _decode(path: Path) -> str:
    found = read_qr_codes(path.read_bytes())
    return found[0] if found else "(no QR code found)"


def _lines(script: Path | None) -> Iterator[str]:
    if script is not None:
        yield from script.read_text(encoding="utf-8").splitlines()
    if sys.stdin.isatty():
        print(
            f"\nType as {ADMIN_EMAIL} in the admin space. Console commands: "
            '"/as EMAIL TEXT" writes 1:1 as someone else; "/confirm [EMAIL]" or '
            '"/cancel [EMAIL]" presses a button on the last card; "/phone EMAIL '
            'scan|off|on|remove" acts on that person\'s phone; "/mention" mentions '
            'the bot with no command; "/advance N" moves the clock N days; '
            '"/check" re-checks the saved QR codes; Ctrl-D quits.'
        )
        while True:
            try:
                yield input("admin> ")
            except EOFError:
                print()
                return
    elif script is None:
        yield from sys.stdin.read().splitlines()


def run_demo(
    script: Path | None,
    output: Path,
    scheduler: bool = True,
    clock_offset_days: int = 0,
    device_service: str = "embedded",
) -> int:
    demo = Demo(
        output,
        scheduler=scheduler,
        clock_offset_days=clock_offset_days,
        device_service=device_service,
    )
    print(f"Webex emulator at {demo.sandbox.emulator_server.base_url}")
    print(f"The bot at {demo.sandbox.bot_server.url}")
    print(f"QR codes are saved in {demo.qr_folder}/")
    try:
        _play(demo, _lines(script))
    finally:
        demo.close()
    return 0


def _play(demo: Demo, lines: Iterable[str]) -> None:
    in_comment = False
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            print(line if in_comment else f"\n{line}")
            in_comment = True
            continue
        in_comment = False
        if line == "/check":
            demo.check_saved_codes()
        else:
            print(f"> {line}")
            demo.say(line)
