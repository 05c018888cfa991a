"""Registering the bot's webhooks, reusing the ones it made before."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass

from bot.webex import WebexChat
from handlers.texts import MANIFEST

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/webex"


@dataclass(frozen=True)
class Subscription:
    name: str
    resource: str
    event: str
    filter: str | None = None


def load_subscriptions() -> list[Subscription]:
    with open(MANIFEST / "webhooks.toml", "rb") as file:
        return [Subscription(**entry) for entry in tomllib.load(file)["webhook"]]


def webhook_url(public_url: str) -> str:
    return public_url.rstrip("/") + WEBHOOK_PATH


def register_webhooks(
    chat: WebexChat, public_url: str, secret: str
) -> list[tuple[str, str]]:
    """Make the bot's webhooks point at ``public_url``, signed with ``secret``.

    A webhook the bot registered before (same name, resource, event and filter)
    is updated and re-activated rather than duplicated; extra copies are deleted.
    Returns (name, what was done) for each subscription.
    """
    target = webhook_url(public_url)
    existing = chat.list_webhooks()
    done = []
    for subscription in load_subscriptions():
        matches = [hook for hook in existing if _same(hook, subscription)]
        for extra in matches[1:]:
            chat.delete_webhook(extra.id)
        if matches:
            hook = matches[0]
            chat.update_webhook(
                hook.id,
                name=subscription.name,
                targetUrl=target,
                secret=secret,
                status="active",
            )
            done.append((subscription.name, "updated"))
        else:
            chat.create_webhook(
                name=subscription.name,
                targetUrl=target,
                resource=subscription.resource,
                event=subscription.event,
                filter=subscription.filter,
                secret=secret,
            )
            done.append((subscription.name, "created"))
        logger.info("webhook %r %s for %s", subscription.name, done[-1][1], target)
    return done


def _same(hook, subscription: Subscription) -> bool:
    return (
        hook.name == subscription.name
        and hook.resource == subscription.resource
        and hook.event == subscription.event
        and (hook.filter or None) == subscription.filter
    )


def webhook_problems(chat: WebexChat, public_url: str) -> list[str]:
    """What is wrong with the bot's webhooks: missing, inactive, or aimed elsewhere."""
    target = webhook_url(public_url)
    existing = chat.list_webhooks()
    problems = []
    for subscription in load_subscriptions():
        matches = [hook for hook in existing if _same(hook, subscription)]
        if not matches:
            problems.append(f"{subscription.name}: missing")
        elif any(hook.status != "active" for hook in matches):
            problems.append(f"{subscription.name}: inactive")
        elif any(hook.targetUrl != target for hook in matches):
            problems.append(f"{subscription.name}: points elsewhere")
    return problems


def repair_webhooks(chat: WebexChat, public_url: str, secret: str) -> list[str]:
    """Re-activate or re-create the webhooks if anything is wrong; return what was."""
    problems = webhook_problems(chat, public_url)
    if problems:
        logger.warning("webhooks need repair: %s", "; ".join(problems))
        register_webhooks(chat, public_url, secret)
    return problems
