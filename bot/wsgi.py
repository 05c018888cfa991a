"""The app factory for WSGI servers, one app per worker process::

    gunicorn --workers 3 --bind 127.0.0.1:8080 --no-control-socket 'bot.wsgi:create()'

Each worker runs its own event-worker threads; they share the work through the
database. Run ``webex-go-bot register-webhooks`` before, and one
``webex-go-bot scheduler`` beside, the workers.
"""

from __future__ import annotations

import atexit

from flask import Flask

from bot import create_app
from bot.settings import load_settings


def create() -> Flask:
    """Build the app from the environment and ``.env`` (the schema must be current)."""
    app = create_app(load_settings())
    # A worker that gunicorn stops finishes the events in hand (bounded) first.
    atexit.register(app.extensions["webex_go_bot"].workers.stop)
    return app
