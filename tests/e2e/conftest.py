import pytest

from bot.sandbox import Sandbox


@pytest.fixture
def make_sandbox(database_url):
    """Start sandboxes with extra settings, on the test's database; close them after."""
    started = []

    def make(**settings):
        sandbox = Sandbox(database_url, **settings)
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.close()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()
