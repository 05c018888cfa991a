"""A demo organisation, and ``serve_forever`` to run the emulator on its own."""

import logging
import signal
import threading

from .server import EmulatorServer
from .state import Emulator

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8790
DEMO_PEOPLE = (
    # key, e-mail, display name, type
    ("bot", "gobot@webex.bot", "GoBot", "bot"),
    ("admin", "admin@example.com", "Ada Admin", "person"),
    ("alice", "alice@example.com", "Alice Example", "person"),
    ("bob", "bob@example.com", "Bob Example", "person"),
    ("carol", "carol@example.com", "Carol Example", "person"),
    ("dan", "dan@example.com", "Dan Example", "person"),
)
ADMIN_ROOM_TITLE = "Webex Go admins"


def seed_demo(emu: Emulator) -> dict:
    """Add the demo people and the admins' room.

    Tokens are fixed (``emu-token-<key>``, e.g. ``emu-token-bot``) so scripts can use
    them; they open nothing but this loopback emulator.

    Returns:
        ``{"people": {key: person}, "tokens": {key: token}, "admin_room": room}``
        with keys bot, admin, alice, bob, carol, dan.
    """
    people, tokens = {}, {}
    for key, email, name, type in DEMO_PEOPLE:
        people[key], tokens[key] = emu.add_person(
            email, name, type=type, token=f"emu-token-{key}"
        )
    room = emu.add_room(ADMIN_ROOM_TITLE, [people["admin"]["id"], people["bot"]["id"]])
    return {"people": people, "tokens": tokens, "admin_room": room}


def serve_forever(
    host: str = "127.0.0.1", port: int = DEFAULT_PORT, latency_ms: float = 0
) -> None:
    """Seed the demo organisation, serve it, print its tokens, run until interrupted."""
    emu = Emulator(latency_ms=latency_ms)
    demo = seed_demo(emu)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with EmulatorServer(emu, host=host, port=port) as server:
        _print_banner(server.base_url, demo)
        try:
            stop.wait()
        except KeyboardInterrupt:
            logger.info("interrupted")


def _print_banner(base_url: str, demo: dict) -> None:
    print(f"Webex API emulator at {base_url}")  # noqa: T201 - command-line output
    print(f"Admin room ({ADMIN_ROOM_TITLE}): {demo['admin_room']['id']}")  # noqa: T201
    for key, person in demo["people"].items():
        email = person["emails"][0]
        print(f"  {key:<6} {email:<20} token {demo['tokens'][key]}")  # noqa: T201
    print("Press Ctrl+C to stop.", flush=True)  # noqa: T201
