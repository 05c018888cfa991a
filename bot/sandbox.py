"""The bot and the Webex emulator together on loopback.

Used by ``webex-go-bot demo``, the end-to-end tests and the benchmarks: both
sides speak real HTTP, the bot registers its webhooks through its real Webex
client, and people post through the emulator's API with their own tokens.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests
from requests_toolbelt import MultipartEncoder
from webexpythonsdk import WebexAPI

from bot import Runtime, create_app
from bot.registration import register_webhooks
from bot.server import BackgroundServer
from bot.settings import load_settings
from emulator import Emulator, EmulatorServer, seed_demo
from emulator.cdr import records_from_csv
from emulator.phone import PhoneResult, PhoneSimulator
from handlers.texts import MANIFEST
from storage.db import make_engine
from storage.events import count_unfinished_events
from storage.schema import upgrade_schema

ADMIN_EMAIL = "admin@example.com"
BOT_EMAIL = "gobot@webex.bot"
HELPDESK_EMAIL = "dan@example.com"
SAMPLE_CALLS = MANIFEST / "demo" / "calls-sample.csv"


class Sandbox:
    def __init__(self, database: Path | str, **settings: Any) -> None:
        """Start both sides; settings override the sandbox's defaults.

        The organisation has two group rooms with the bot: "Webex Go admins"
        (Ada; it is ``ADMIN_ROOM_IDS``, so its members are admins, and approvals
        and notices go there) and "Help desk" (Ada and Dan, who is no admin).
        """
        self.emulator = Emulator()
        self.org = seed_demo(self.emulator)
        self.emulator_server = EmulatorServer(self.emulator)
        self.emulator_server.start()
        self.bot = self.org["people"]["bot"]
        self.tokens = {
            person["emails"][0]: self.org["tokens"][key]
            for key, person in self.org["people"].items()
        }
        self.admin_room_id = self.org["admin_room"]["id"]
        people = self.org["people"]
        self._seed_devices()
        with open(SAMPLE_CALLS, encoding="utf-8") as sample:
            self.emulator.cdr.add(*records_from_csv(sample))
        self.helpdesk_room_id = self.emulator.add_room(
            "Help desk", [people["admin"]["id"], people["dan"]["id"], self.bot["id"]]
        )["id"]

        defaults: dict[str, Any] = dict(
            bot_token=self.tokens[BOT_EMAIL],
            api_url=self.emulator_server.base_url,
            webhook_secret=secrets.token_urlsafe(32),
            database_url=database
            if isinstance(database, str)
            else f"sqlite:///{database}",
            admin_emails=(ADMIN_EMAIL,),
            admin_room_ids=(self.admin_room_id,),
            worker_threads=2,
            esim_callback_token=secrets.token_urlsafe(24),
            admin_token=self.tokens[ADMIN_EMAIL],
            cdr_url=self.emulator_server.base_url,
        )
        self.settings = load_settings(
            environ={}, env_file=None, **(defaults | settings)
        )
        self.engine = make_engine(self.settings.database_url)
        upgrade_schema(self.engine)
        self.app = create_app(self.settings, engine=self.engine)
        self.runtime: Runtime = self.app.extensions["webex_go_bot"]
        self.bot_server = BackgroundServer(self.app).start()
        # Only now is the address known that Webex (the emulator) should call.
        self.settings = replace(self.settings, public_url=self.bot_server.url)
        self.runtime.settings = self.settings
        register_webhooks(
            self.runtime.services.chat, self.bot_server.url, self.runtime.secret
        )
        self.phone = PhoneSimulator(
            self.bot_server.url, self.settings.esim_callback_token or ""
        )

    def _seed_devices(self) -> None:
        """Webex Go devices as Control Hub lists them (DEVICE_SERVICE=controlhub)."""
        people, devices = self.org["people"], self.emulator.devices
        devices.add_admin(people["admin"]["id"])
        devices.add_webexgo_device(people["alice"]["id"], "connected", "ACTIVATED")
        devices.add_webexgo_device(people["bob"]["id"], "activating", "ACTIVATING")
        devices.add_webexgo_device(people["carol"]["id"], "disconnected", "ACTIVATED")
        devices.add_webexgo_device(people["dan"]["id"], "connected", "DEACTIVATED")

    def attach_bytes(self, content: bytes, filename: str, text: str) -> None:
        """Post ``@GoBot text`` with an in-memory file, as Ada in the admin room."""
        mention = f"<@personId:{self.bot['id']}|{self.bot['displayName']}>"
        form = MultipartEncoder(
            {
                "roomId": self.admin_room_id,
                "markdown": f"{mention} {text}",
                "files": (filename, content, "image/png"),
            }
        )
        requests.post(
            self.emulator_server.base_url + "messages",
            data=form,
            headers={
                "Content-Type": form.content_type,
                "Authorization": f"Bearer {self.tokens[ADMIN_EMAIL]}",
            },
            timeout=10,
        ).raise_for_status()

    def set_self_service(self, mode: str) -> None:
        """Change SELF_SERVICE while running, as an organisation's admin would."""
        dispatcher = self.runtime.dispatcher
        options = replace(dispatcher.services.options, self_service=mode)
        dispatcher.services = replace(dispatcher.services, options=options)

    def close(self) -> None:
        self.bot_server.stop()
        self.emulator_server.stop()
        self.runtime.engine.dispose()

    def client(self, email: str) -> WebexAPI:
        """The Webex API as this person of the demo organisation."""
        return WebexAPI(
            access_token=self.tokens[email], base_url=self.emulator_server.base_url
        )

    def mention(
        self, text: str, sender: str = ADMIN_EMAIL, room_id: str | None = None
    ) -> None:
        """Post ``@GoBot text`` in a room (default: the admin room) like a client."""
        mention = f"<@personId:{self.bot['id']}|{self.bot['displayName']}>"
        self.client(sender).messages.create(
            roomId=room_id or self.admin_room_id, markdown=f"{mention} {text}"
        )

    def attach(self, path: Path, text: str, sender: str = ADMIN_EMAIL) -> None:
        """Post ``@GoBot text`` with a file attached, in the admin room."""
        mention = f"<@personId:{self.bot['id']}|{self.bot['displayName']}>"
        self.client(sender).messages.create(
            roomId=self.admin_room_id, markdown=f"{mention} {text}", files=[str(path)]
        )

    def write_directly(self, sender: str, text: str) -> None:
        """Post ``text`` to the bot 1:1, as ``sender``."""
        self.client(sender).messages.create(toPersonEmail=BOT_EMAIL, text=text)

    def settle(self, timeout: float = 20.0) -> None:
        """Wait until deliveries are made and events processed, twice running."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            self.emulator.wait_idle(timeout=1.0)
            busy = count_unfinished_events(self.runtime.engine) > 0
            quiet = 0 if busy else quiet + 1
            time.sleep(0.05)

    def sent_by_bot(self) -> list[dict]:
        return self.emulator.messages(sent_by=self.bot["id"])

    def latest_qr(self, email: str) -> bytes | None:
        """The last QR image the bot sent to ``email``, as the phone's owner sees it."""
        for message in reversed(self.emulator.messages(to_person_email=email)):
            if message.get("personId") == self.bot["id"]:
                for _name, _type, content in self.emulator.file_bytes(message):
                    return content
        return None

    def scan_latest_qr(self, email: str) -> PhoneResult:
        """``email``'s phone scans the last QR code the bot sent them."""
        png = self.latest_qr(email)
        if png is None:
            return PhoneResult(
                0, {"error": "no_qr_code", "reason": f"no QR code for {email}"}
            )
        return self.phone.scan(png)

    def submit_card(self, card_message: dict, sender: str, inputs: dict) -> None:
        """``sender`` presses a button of a card, submitting ``inputs``."""
        self.client(sender).attachment_actions.create(
            type="submit", messageId=card_message["id"], inputs=inputs
        )

    def press(self, card_message: dict, button: int, sender: str = ADMIN_EMAIL) -> None:
        """``sender`` presses ``button`` (0 is the first) as a Webex client does."""
        card = card_message["attachments"][0]["content"]
        self.submit_card(
            card_message, sender, dict(card["actions"][button].get("data", {}))
        )

    def cards_sent(self, room_id: str | None = None) -> list[dict]:
        """The bot's messages with a card in a room (by default the admin room)."""
        sent = self.emulator.messages(
            room_id=room_id or self.admin_room_id, sent_by=self.bot["id"]
        )
        return [message for message in sent if message.get("attachments")]
