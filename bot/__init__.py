"""The edge of the bot: HTTP in, wiring, Webex out.

``create_app`` is the one place where the parts are wired together.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, jsonify
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.cdr import CdrCallHistory
from bot.controlhub import ControlHubDeviceService
from bot.logs import configure_logging
from bot.phone import blueprint as phone_blueprint
from bot.registration import webhook_problems
from bot.settings import Settings, SettingsError, require
from bot.webex import WebexChat
from bot.webhook import blueprint as webhook_blueprint
from bot.worker import EventWorkers
from handlers.access import AdminPolicy
from handlers.clock import Clock
from handlers.commands import load_command_specs
from handlers.context import Options, Services
from handlers.dispatch import Dispatcher
from handlers.errors import ChatUnavailable
from handlers.ports import Chat
from handlers.texts import Texts
from storage.audit import SqlAuditLog
from storage.confirmations import SqlConfirmations
from storage.db import make_engine
from storage.devices import EmbeddedDeviceService
from storage.limits import SqlRequestLimits
from storage.reminders import ReminderPolicy, SqlDigestLog, SqlReminders
from storage.schema import SchemaOutdated, check_schema
from storage.state import get_value, set_value_once

SECRET_NAME = "webhook_secret"
NOT_REGISTERED = "not registered by this process (no PUBLIC_URL)"
NO_SECRET = (
    "WEBEX_WEBHOOK_SECRET is not set and none was generated: set WEBEX_WEBHOOK_SECRET"
    " to a long random string, or run `webex-go-bot register-webhooks` to make one."
)


@dataclass
class Runtime:
    """Everything a request or a worker needs, built once per app."""

    settings: Settings
    engine: Engine
    clock: Clock
    secret: str
    services: Services
    dispatcher: Dispatcher
    workers: EventWorkers


def create_app(
    settings: Settings,
    *,
    chat: Chat | None = None,
    engine: Engine | None = None,
    clock: Clock | None = None,
    start_workers: bool = True,
) -> Flask:
    """Build the Flask app; start the event workers unless told not to.

    Raises SettingsError when there is no bot token or no webhook secret.
    """
    configure_logging(settings.log_level)
    require(settings, "WEBEX_BOT_TOKEN")
    engine = engine or make_engine(settings.database_url)
    try:
        check_schema(engine)
    except SchemaOutdated as error:
        raise SettingsError([f"DATABASE_URL: {error}."]) from None
    secret = webhook_secret(settings, engine)
    if not secret:
        raise SettingsError([NO_SECRET])
    clock = clock or Clock()
    chat = chat or WebexChat(settings.bot_token or "", settings.api_url)
    runtime = _build_runtime(settings, engine, clock, secret, chat)

    app = Flask("webex_go_bot")
    app.extensions["webex_go_bot"] = runtime
    app.register_blueprint(webhook_blueprint)
    if settings.device_service == "embedded":
        app.register_blueprint(phone_blueprint)
    app.add_url_rule("/healthz", "healthz", lambda: jsonify(status="ok"))
    app.add_url_rule("/readyz", "readyz", lambda: readiness(runtime))
    if start_workers:
        runtime.workers.start()
    return app


def _build_runtime(
    settings: Settings, engine: Engine, clock: Clock, secret: str, chat: Chat
) -> Runtime:
    services = _build_services(settings, engine, clock, chat)
    admins = AdminPolicy(settings.admin_emails, settings.admin_room_ids, chat)
    dispatcher = Dispatcher(services, admins, bot=chat.me())
    workers = EventWorkers(
        engine, dispatcher.handle_event, clock, threads=settings.worker_threads
    )
    return Runtime(settings, engine, clock, secret, services, dispatcher, workers)


def _build_services(
    settings: Settings, engine: Engine, clock: Clock, chat: Chat
) -> Services:
    codebook = EmbeddedDeviceService(
        engine,
        smdp_address=settings.smdp_address,
        code_ttl=timedelta(days=settings.code_ttl_days),
        now=clock.now,
        licence_pool_size=settings.licence_pool_size,
        reminders=ReminderPolicy(
            settings.reminder_days, settings.reminder_hour, settings.timezone
        ),
    )
    devices = codebook
    if settings.device_service == "controlhub":
        require(settings, "WEBEX_ADMIN_TOKEN")
        devices = ControlHubDeviceService(
            settings.admin_token or "",
            settings.api_url,
            code_ttl=timedelta(days=settings.code_ttl_days),
            licence_pool_size=settings.licence_pool_size,
        )
    limits = SqlRequestLimits(
        engine,
        clock.now,
        cooldown=timedelta(minutes=settings.self_service_cooldown_minutes),
        daily_limit=settings.self_service_daily_limit,
    )
    call_history = None
    if settings.admin_token:
        call_history = CdrCallHistory(settings.cdr_url, settings.admin_token)
    return Services(
        chat=chat,
        devices=devices,
        texts=Texts(settings.language),
        clock=clock,
        commands=load_command_specs(),
        audit=SqlAuditLog(engine, clock.now),
        confirmations=SqlConfirmations(engine, clock.now),
        limits=limits,
        options=_options(settings),
        call_history=call_history,
        reminders=SqlReminders(engine, clock.now),
        digests=SqlDigestLog(engine),
        codebook=codebook,
    )


def _options(settings: Settings) -> Options:
    return Options(
        suppress_email=settings.suppress_email,
        self_service=settings.self_service,
        self_service_notify=settings.self_service_notify,
        support_contact=settings.support_contact,
        admin_room_id=next(iter(settings.admin_room_ids), None),
        admin_room_ids=settings.admin_room_ids,
        admin_digest=settings.admin_digest,
        reminder_hour=settings.reminder_hour,
        timezone=settings.timezone,
    )


def readiness(runtime: Runtime):
    """``/readyz``: the database answers and, with PUBLIC_URL, webhooks are active."""
    checks = {"database": "ok", "webhooks": NOT_REGISTERED}
    try:
        with runtime.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
    if runtime.settings.public_url:
        try:
            problems = webhook_problems(
                runtime.services.chat, runtime.settings.public_url
            )
            checks["webhooks"] = "; ".join(problems) or "ok"
        except ChatUnavailable as error:
            checks["webhooks"] = f"Webex unavailable: {error.status}"
    ready = checks["database"] == "ok" and checks["webhooks"] in ("ok", NOT_REGISTERED)
    return jsonify(ready=ready, **checks), 200 if ready else 503


def webhook_secret(settings: Settings, engine: Engine) -> str | None:
    """The configured secret, else the one generated on an earlier run."""
    return settings.webhook_secret or get_value(engine, SECRET_NAME)


def ensure_webhook_secret(settings: Settings, engine: Engine) -> str:
    """The webhook secret, generating and storing one on first run."""
    return settings.webhook_secret or set_value_once(
        engine, SECRET_NAME, secrets.token_urlsafe(32)
    )
