import pytest

from bot.sandbox import Sandbox


@pytest.fixture
def sandbox(tmp_path):
    sandbox = Sandbox(tmp_path / "bot.db")
    yield sandbox
    sandbox.close()
