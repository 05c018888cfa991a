"""A faithful, loopback-only emulator of the Webex REST API parts the bot uses.

It serves ``/v1/`` people, rooms, memberships, messages (markdown with mentions, one
file per message, Adaptive Cards), file contents, attachment actions and webhooks, and
delivers webhook events signed with ``X-Spark-Signature`` to loopback targets. The
product's demo, tests and benchmarks run against it through the real Webex SDK::

    emu = Emulator()
    bot, bot_token = emu.add_person("gobot@webex.bot", "GoBot", type="bot")
    with EmulatorServer(emu) as server:
        api = WebexAPI(access_token=bot_token, base_url=server.base_url)

Modules: ``state`` (the Emulator object), ``directory`` (people, rooms, memberships),
``messages`` and ``markdown`` (messages, files, mentions), ``actions`` (card
submissions), ``webhooks`` and ``delivery`` (subscriptions, matching, the delivery
thread), ``loopback`` (the loopback-only rule), ``api`` and ``app`` (HTTP),
``inspection`` (/_emulator/ routes), ``server`` (EmulatorServer) and ``seed`` (demo
organisation, ``serve_forever``).

Known simplifications: one organisation; no moderators, teams, threads beyond one level,
org-owned webhooks or retries of failed deliveries; list cursors are offsets.
"""

from .seed import seed_demo, serve_forever
from .server import EmulatorServer
from .state import Emulator

__all__ = ["Emulator", "EmulatorServer", "seed_demo", "serve_forever"]
