"""The ``webex-go-bot`` command."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from sqlalchemy.engine import Engine

from bot import create_app, ensure_webhook_secret
from bot.logs import configure_logging
from bot.registration import register_webhooks, webhook_url
from bot.report_cli import add_report_command
from bot.scheduler import start_scheduler
from bot.server import serve_until_stopped
from bot.settings import Settings, SettingsError, load_settings, require
from bot.webex import WebexChat
from handlers.errors import ChatUnavailable
from storage.db import make_engine
from storage.schema import SchemaOutdated, check_schema, upgrade_schema

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except SettingsError as error:
        for problem in error.problems:
            print(f"webex-go-bot: {problem}", file=sys.stderr)
        return 2
    except ChatUnavailable as error:
        print(
            f"webex-go-bot: Webex is not reachable or refused the call: {error}",
            file=sys.stderr,
        )
        return 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="webex-go-bot", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="serve Webex (or WEBEX_API_URL) at HOST:PORT"
    )
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="send no reminders from this process (run `scheduler` once instead)",
    )
    serve.set_defaults(run=_serve)

    scheduler = commands.add_parser(
        "scheduler", help="send reminders and the admin digest; no web server"
    )
    scheduler.set_defaults(run=_scheduler)

    register = commands.add_parser(
        "register-webhooks",
        help="create or update the webhooks at PUBLIC_URL/webhooks/webex",
    )
    register.set_defaults(run=_register)

    demo = commands.add_parser(
        "demo", help="the bot and a Webex emulator on loopback, with a console"
    )
    demo.add_argument(
        "--script", type=Path, help="play the lines of FILE, then open the console"
    )
    demo.add_argument(
        "--output",
        type=Path,
        default=Path("demo-output"),
        help="folder for the QR codes and the database (default: demo-output)",
    )
    demo.add_argument("--no-scheduler", action="store_true", help="no reminder sweeps")
    demo.add_argument(
        "--device-service",
        choices=("embedded", "controlhub"),
        default="embedded",
        help="embedded SM-DP+ (default), or the emulated Webex device APIs",
    )
    demo.add_argument(
        "--clock-offset-days",
        type=int,
        default=0,
        metavar="N",
        help="set the bot's clock N days ahead (/advance in the console moves it)",
    )
    demo.set_defaults(run=_demo)

    database = commands.add_parser("db", help="the database schema")
    database.add_argument("action", choices=("upgrade",), help="upgrade: to the newest")
    database.set_defaults(run=_database)

    emulator = commands.add_parser("emulator", help="run the Webex API emulator alone")
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=int, default=8090)
    emulator.set_defaults(run=_emulator)

    add_report_command(commands)
    return parser


def _serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level)
    require(settings, "WEBEX_BOT_TOKEN")
    engine = _current_database(settings)
    if settings.public_url:
        secret = ensure_webhook_secret(settings, engine)
        chat = WebexChat(settings.bot_token or "", settings.api_url)
        register_webhooks(chat, settings.public_url, secret)
    else:
        logger.warning(
            "PUBLIC_URL is not set: no webhooks registered; Webex will not reach me"
        )
    app = create_app(settings, engine=engine)
    scheduler = None
    if not args.no_scheduler:
        scheduler = start_scheduler(app.extensions["webex_go_bot"])
    serve_until_stopped(app, settings.host, settings.port)
    if scheduler is not None:
        scheduler.shutdown(wait=False)
    return 0


def _scheduler(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level)
    app = create_app(settings, start_workers=False)
    scheduler = start_scheduler(app.extensions["webex_go_bot"], paused=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.resume()
    stop.wait()
    scheduler.shutdown(wait=True)
    return 0


def _current_database(settings: Settings) -> Engine:
    """The engine, if its schema is the newest; else SettingsError naming the fix."""
    engine = make_engine(settings.database_url)
    try:
        check_schema(engine)
    except SchemaOutdated as error:
        raise SettingsError([f"DATABASE_URL: {error}."]) from None
    return engine


def _database(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.database_url)
    upgrade_schema(engine)
    print("The database schema is up to date.")
    return 0


def _register(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level)
    require(settings, "WEBEX_BOT_TOKEN", "PUBLIC_URL")
    engine = _current_database(settings)
    secret = ensure_webhook_secret(settings, engine)
    chat = WebexChat(settings.bot_token or "", settings.api_url)
    for name, action in register_webhooks(chat, settings.public_url or "", secret):
        print(f"{action:8} {name} -> {webhook_url(settings.public_url or '')}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(
        script=args.script,
        output=args.output,
        scheduler=not args.no_scheduler,
        clock_offset_days=args.clock_offset_days,
        device_service=args.device_service,
    )


def _emulator(args: argparse.Namespace) -> int:
    from emulator import serve_forever

    configure_logging()
    serve_forever(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
