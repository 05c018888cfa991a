"""The database schema, kept by Alembic migrations in ``storage/migrations``.

``webex-go-bot db upgrade`` brings a database to the newest schema; ``serve``
and ``scheduler`` refuse to run on an older one rather than fail mid-request.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaOutdated(Exception):
    """The database is not at the newest schema."""


def _config(engine: Engine, connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade_schema(engine: Engine) -> None:
    """Create the tables, or migrate them, up to the newest revision."""
    with engine.begin() as connection:
        command.upgrade(_config(engine, connection), "head")


def check_schema(engine: Engine) -> None:
    """Raise SchemaOutdated unless the database is at the newest revision."""
    head = ScriptDirectory.from_config(_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head:
        found = current or "no schema"
        raise SchemaOutdated(
            f"the database is at {found}, not at {head}: run `webex-go-bot db upgrade`"
        )


def new_revision(engine: Engine, message: str) -> None:
    """Write a migration for what the models changed (for developers)."""
    with engine.begin() as connection:
        command.revision(
            _config(engine, connection), message=message, autogenerate=True
        )
