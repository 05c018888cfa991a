"""Showing lines: one line's status, or an overview of all of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from handlers.cards import render_card
from handlers.commands import Command
from handlers.context import Context, Services
from handlers.errors import NotFound
from handlers.ports import LineInfo
from handlers.texts import Texts
from storage.models import LineStatus


def handle_status(services: Services, ctx: Context, command: Command) -> str:
    """``status [email]``: a line's card; an admin in a group room without an
    address gets the overview of every line."""
    if command.email is None and ctx.is_admin and ctx.room_type == "group":
        return _show_overview(services, ctx)
    email = command.email or ctx.actor.email

    line = find_line(services, email)
    if line is None:
        raise NotFound("error.no_line", email=email)

    ctx.reply(
        services, describe_line(services.texts, line), build_line_card(services, line)
    )
    return f"status shown: {line.status.value}"


def find_line(services: Services, email: str) -> LineInfo | None:
    """The line from the device service, with its code from the code book."""
    line = services.devices.get_line(email)
    if line is None or line.code is not None:
        return line
    if services.codebook is None or services.codebook is services.devices:
        return line
    kept = services.codebook.get_line(email)
    return replace(line, code=kept.code) if kept else line


def lines_with_codes(services: Services) -> list[LineInfo]:
    """Every line, each with its code from the code book when the device service
    (Control Hub) cannot tell."""
    lines = services.devices.list_lines()
    if services.codebook is None or services.codebook is services.devices:
        return lines
    kept = {line.email: line.code for line in services.codebook.list_lines()}
    return [replace(line, code=line.code or kept.get(line.email)) for line in lines]


def describe_line(texts: Texts, line: LineInfo) -> str:
    status = texts.get(f"status.{line.status.value}")
    summary = texts.render("reply.status", email=line.email, **status)
    if line.raw_status:
        summary += " " + texts.render("controlhub.raw_status", raw=line.raw_status)
    return summary + "\n\n" + _code_text(texts, line)


def build_line_card(services: Services, line: LineInfo) -> dict:
    texts = services.texts
    return render_card(
        "line",
        {
            "email": line.email,
            "status": texts.get(f"status.{line.status.value}"),
            "code": _code_text(texts, line),
        },
    )


def build_overview_card(services: Services) -> tuple[dict, str]:
    """The overview card and its fallback text."""
    texts, devices = services.texts, services.devices
    lines, pool = lines_with_codes(services), devices.licence_pool()
    groups = [_group(texts, status, lines) for status in LineStatus]
    groups = [group for group in groups if group["lines"]]
    expiring = _expiring(services, lines)
    pool_text = texts.render(
        "card.overview_pool", used=pool.used, free=pool.free, size=pool.size
    )
    card = render_card(
        "overview",
        {
            "title": texts.render("card.overview_title"),
            "pool": pool_text,
            "groups": groups,
            "has_expiring": bool(expiring),
            "expiring_title": texts.render(
                "card.expiring_title", days=services.options.expiring_within_days
            ),
            "expiring": expiring,
        },
    )
    summary = (
        ", ".join(f"{g['count']} {g['name']} ({g['colour']})" for g in groups) or "none"
    )
    fallback = texts.render(
        "reply.overview_fallback",
        summary=summary,
        used=pool.used,
        free=pool.free,
        size=pool.size,
    )
    return card, fallback


def _show_overview(services: Services, ctx: Context) -> str:
    card, fallback = build_overview_card(services)
    ctx.reply(services, fallback, card)
    return "overview shown"


def _group(texts: Texts, status: LineStatus, lines: list[LineInfo]) -> dict:
    members = [line for line in lines if line.status is status]
    return {
        **texts.get(f"status.{status.value}"),
        "count": len(members),
        "lines": [
            {"email": line.email, "detail": _code_detail(texts, line)}
            for line in members
        ],
    }


def _expiring(services: Services, lines: list[LineInfo]) -> list[dict]:
    horizon = services.clock.now() + timedelta(
        days=services.options.expiring_within_days
    )
    soon = [line for line in lines if line.code and line.code.expires_at <= horizon]
    soon.sort(key=lambda line: line.code.expires_at)
    return [
        {
            "email": line.email,
            "detail": services.texts.render(
                "card.expiring_detail",
                masked=line.code.masked,
                expires=line.code.expires_at,
            ),
        }
        for line in soon
    ]


def _code_text(texts: Texts, line: LineInfo) -> str:
    if line.code is None:
        return texts.render("reply.status_no_code")
    return texts.render(
        "reply.status_code", masked=line.code.masked, expires=line.code.expires_at
    )


def _code_detail(texts: Texts, line: LineInfo) -> str:
    if line.code is None:
        return texts.render("card.no_code")
    return texts.render(
        "card.code_detail", masked=line.code.masked, expires=line.code.expires_at
    )
