"""Settings from the environment and a ``.env`` file, checked once at start-up.

Each problem becomes one line that names the variable and says what to set, and
all problems are reported together.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from handlers.commands import normalize_email
from handlers.errors import CommandError
from handlers.texts import available_languages

DEFAULT_API_URL = "https://webexapis.com/v1/"
DEFAULT_SMDP_ADDRESS = "smdp.webexgo.example.com"
DEFAULT_CDR_URL = "https://analytics-calling.webexapis.com/v1/"


APPROVAL_NEEDS_ROOM = (
    "SELF_SERVICE is approval but ADMIN_ROOM_IDS is empty: set ADMIN_ROOM_IDS to the"
    " room where admins approve requests, or set SELF_SERVICE to on or off."
)


class SettingsError(Exception):
    """One or more settings are missing or malformed; ``problems`` has a line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    webhook_secret: str | None = field(default=None, repr=False)
    public_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str = "sqlite:///webex-go-bot.db"
    admin_emails: tuple[str, ...] = ()
    admin_room_ids: tuple[str, ...] = ()
    device_service: str = "embedded"
    admin_token: str | None = field(default=None, repr=False)
    cdr_url: str = DEFAULT_CDR_URL
    smdp_address: str = DEFAULT_SMDP_ADDRESS
    code_ttl_days: int = 90
    reminder_days: tuple[int, ...] = (30, 7, 1)
    language: str = "en"
    worker_threads: int = 4
    licence_pool_size: int = 100
    suppress_email: bool = False
    esim_callback_token: str | None = field(default=None, repr=False)
    self_service: str = "on"
    self_service_cooldown_minutes: int = 10
    self_service_daily_limit: int = 3
    self_service_notify: bool = True
    support_contact: str = "your Webex admin"
    reminder_hour: int = 9
    timezone: str = "UTC"
    reminder_sweep_minutes: int = 5
    admin_digest: bool = True
    log_level: str = "INFO"


# variable -> (field, parser, what to set)
_VARIABLES: dict[str, tuple[str, Callable[[str], Any], str]] = {}


def _variable(name: str, field_name: str, hint: str):
    def register(parser: Callable[[str], Any]) -> Callable[[str], Any]:
        _VARIABLES[name] = (field_name, parser, hint)
        return parser

    return register


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value.strip()


def _url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"is not an http(s) URL: {value.strip()!r}")
    return value.strip()


def _api_url(value: str) -> str:
    url = _url(value)
    # The SDK joins paths with urljoin: without the slash, /v1 would be dropped.
    return url if url.endswith("/") else url + "/"


def _port(value: str) -> int:
    port = _whole(value)
    if not 1 <= port <= 65535:
        raise ValueError(f"is not a port number: {value!r}")
    return port


def _whole(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError(f"is not a whole number: {value.strip()!r}") from None


MAX_NUMBER = 10_000  # days, minutes, threads: beyond this a value is a typo


def _positive(value: str) -> int:
    number = _whole(value)
    if not 1 <= number <= MAX_NUMBER:
        raise ValueError(f"must be from 1 to {MAX_NUMBER}, not {value.strip()!r}")
    return number


def _count(value: str) -> int:
    number = _whole(value)
    if number < 1:
        raise ValueError(f"must be 1 or more, not {value.strip()!r}")
    return number


def _non_negative(value: str) -> int:
    number = _whole(value)
    if not 0 <= number <= MAX_NUMBER:
        raise ValueError(f"must be from 0 to {MAX_NUMBER}, not {value.strip()!r}")
    return number


def _emails(value: str) -> tuple[str, ...]:
    emails = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        try:
            emails.append(normalize_email(item))
        except CommandError:
            raise ValueError(f"{item!r} is not an e-mail address") from None
    return tuple(emails)


def _ids(value: str) -> tuple[str, ...]:
    return tuple(filter(None, (part.strip() for part in value.split(","))))


def _days(value: str) -> tuple[int, ...]:
    days = tuple(sorted({_positive(part) for part in _ids(value)}, reverse=True))
    if not days:
        raise ValueError("lists no days")
    return days


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ValueError(f"must be true or false, not {value.strip()!r}")
    return lowered in ("true", "1", "yes", "on")


def _hour(value: str) -> int:
    hour = _whole(value)
    if not 0 <= hour <= 23:
        raise ValueError(f"is not an hour from 0 to 23: {value.strip()!r}")
    return hour


def _zone(value: str) -> str:
    name = _text(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"is not a known time zone: {name!r}") from None
    return name


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value.strip().lower() not in choices:
            raise ValueError(
                f"must be one of {', '.join(choices)}, not {value.strip()!r}"
            )
        return value.strip().lower()

    return parse


def _host_name(value: str) -> str:
    host = _text(value)
    if "://" in host or "/" in host or "$" in host or " " in host:
        raise ValueError(
            f"must be a bare host name such as smdp.example.com, not {host!r}"
        )
    return host


_variable(
    "WEBEX_BOT_TOKEN", "bot_token", "the bot's access token from developer.webex.com"
)(_text)
_variable(
    "WEBEX_API_URL", "api_url", "an http(s) URL such as https://webexapis.com/v1/"
)(_api_url)
_variable("WEBEX_WEBHOOK_SECRET", "webhook_secret", "a long random string")(_text)
_variable("PUBLIC_URL", "public_url", "the https URL where Webex reaches this bot")(
    _url
)
_variable("HOST", "host", "an address to listen on, such as 127.0.0.1")(_text)
_variable("PORT", "port", "a port number from 1 to 65535")(_port)
_variable("DATABASE_URL", "database_url", "an SQLAlchemy URL such as sqlite:///bot.db")(
    _text
)
_variable("ADMIN_EMAILS", "admin_emails", "comma-separated e-mail addresses")(_emails)
_variable("ADMIN_ROOM_IDS", "admin_room_ids", "comma-separated Webex room ids")(_ids)
_variable("DEVICE_SERVICE", "device_service", "embedded or controlhub")(
    _choice("embedded", "controlhub")
)
_variable("WEBEX_ADMIN_TOKEN", "admin_token", "an admin access token")(_text)
_variable("WEBEX_CDR_URL", "cdr_url", "the call history API URL")(_api_url)
_variable("SMDP_ADDRESS", "smdp_address", "the SM-DP+ host name")(_host_name)
_variable("CODE_TTL_DAYS", "code_ttl_days", "a whole number of days, such as 90")(
    _positive
)
_variable("REMINDER_DAYS", "reminder_days", "comma-separated days, such as 30,7,1")(
    _days
)
_variable("LICENSE_POOL_SIZE", "licence_pool_size", "the number of Webex Go licences")(
    _count
)
_variable("SUPPRESS_EMAIL", "suppress_email", "true or false")(_flag)
_variable("ESIM_CALLBACK_TOKEN", "esim_callback_token", "a long random string")(_text)
_variable("SELF_SERVICE", "self_service", "on, approval or off")(
    _choice("on", "approval", "off")
)
_variable(
    "SELF_SERVICE_COOLDOWN_MINUTES",
    "self_service_cooldown_minutes",
    "minutes, such as 10",
)(_non_negative)
_variable(
    "SELF_SERVICE_DAILY_LIMIT", "self_service_daily_limit", "a number, such as 3"
)(_positive)
_variable("SELF_SERVICE_NOTIFY", "self_service_notify", "true or false")(_flag)
_variable("SUPPORT_CONTACT", "support_contact", "who users should contact")(_text)
_variable("REMINDER_HOUR", "reminder_hour", "an hour from 0 to 23, such as 9")(_hour)
_variable("BOT_TIMEZONE", "timezone", "an IANA time zone such as Europe/London")(_zone)
_variable("REMINDER_SWEEP_MINUTES", "reminder_sweep_minutes", "minutes, such as 5")(
    _positive
)
_variable("ADMIN_DIGEST", "admin_digest", "on or off")(_flag)
_variable("WORKER_THREADS", "worker_threads", "a whole number such as 4")(_positive)
_variable("LOG_LEVEL", "log_level", "DEBUG, INFO, WARNING or ERROR")(
    lambda value: _choice("debug", "info", "warning", "error")(value).upper()
)


def _language(value: str) -> str:
    return _choice(*available_languages())(value)


_variable("BOT_LANGUAGE", "language", "a language with a file in manifest/messages")(
    _language
)


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: str | None = ".env",
    **overrides: Any,
) -> Settings:
    """Read every variable; raise SettingsError listing each bad one.

    The environment wins over the ``.env`` file; ``overrides`` (field names) win
    over both. Empty values count as unset.
    """
    values: dict[str, str | None] = {}
    if env_file and os.path.exists(env_file):
        values.update(dotenv_values(env_file))
    values.update(os.environ if environ is None else environ)

    fields: dict[str, Any] = {}
    problems = []
    for name, (field_name, parse, hint) in _VARIABLES.items():
        raw = values.get(name)
        if raw is None or not raw.strip():
            continue
        try:
            fields[field_name] = parse(raw)
        except ValueError as error:
            problems.append(f"{name} {error}: set {name} to {hint}.")
    if problems:
        raise SettingsError(problems)
    fields.update(overrides)
    settings = Settings(**fields)
    if settings.self_service == "approval" and not settings.admin_room_ids:
        raise SettingsError([APPROVAL_NEEDS_ROOM])
    return settings


def require(settings: Settings, *names: str) -> None:
    """Raise SettingsError for each named variable that has no value."""
    missing = [
        f"{name} is not set: set {name} to {_VARIABLES[name][2]}."
        for name in names
        if getattr(settings, _VARIABLES[name][0]) in (None, "", ())
    ]
    if missing:
        raise SettingsError(missing)
