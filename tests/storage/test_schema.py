"""The migrations and the models describe the same tables."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from storage.schema import SchemaOutdated, check_schema, upgrade_schema


def test_the_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), SQLModel.metadata
        )
    assert differences == []


def test_an_empty_database_is_outdated_until_upgraded(tmp_path):
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        try:
            check_schema(engine)
        except SchemaOutdated as error:
            assert "webex-go-bot db upgrade" in str(error)
        else:
            raise AssertionError("an empty database passed the schema check")
        upgrade_schema(engine)
        upgrade_schema(engine)  # twice is harmless
        check_schema(engine)
    finally:
        engine.dispose()
