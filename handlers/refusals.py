"""How a refusal reads: the text of a ``CommandError`` in the person's language."""

from __future__ import annotations

from handlers.errors import CommandError
from handlers.texts import Texts
from storage.models import LineStatus


def render_error(texts: Texts, error: CommandError) -> str:
    """The reply for a refusal; a line status also gives its name and colour."""
    params = dict(error.params)
    status = params.get("status")
    if isinstance(status, LineStatus):
        params["status_name"] = texts.get(f"status.{status.value}.name")
        params["colour"] = texts.get(f"status.{status.value}.colour")
        params["icon"] = texts.get(f"status.{status.value}.icon")
    return texts.render(error.key, **params)
