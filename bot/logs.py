"""Logging set-up, done once per process."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr at ``level`` unless the process already configured logging."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format=FORMAT)
    # The SDK logs its User-Agent at INFO on every client it builds; werkzeug logs
    # every request line. Neither helps an operator at INFO.
    logging.getLogger("webexpythonsdk").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
