"""Small named values the bot keeps between runs."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from storage.db import transaction
from storage.models import BotState


def get_value(engine: Engine, name: str) -> str | None:
    with transaction(engine) as session:
        row = session.get(BotState, name)
        return None if row is None else row.value


def set_value_once(engine: Engine, name: str, value: str) -> str:
    """Store ``value`` unless ``name`` already has one; return the stored value."""
    with transaction(engine) as session:
        row = session.get(BotState, name)
        if row is None:
            row = BotState(name=name, value=value)
            session.add(row)
        return row.value
