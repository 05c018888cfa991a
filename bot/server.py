"""Serving the app on a loopback or public address with werkzeug's threaded server."""

from __future__ import annotations

import logging
import signal
import threading

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

logger = logging.getLogger(__name__)


class BackgroundServer:
    """The app served from a daemon thread; ``url`` is known once constructed."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self._server.host}:{self._server.port}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self.app.extensions["webex_go_bot"].workers.stop()


def serve_until_stopped(app: Flask, host: str, port: int) -> None:
    """Serve in the foreground until SIGINT or SIGTERM, then stop the workers."""
    server = make_server(host, port, app, threaded=True)
    stop = threading.Event()

    def request_stop(signum, _frame) -> None:
        logger.info("signal %s received, stopping", signum)
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    logger.info("listening on http://%s:%s", host, server.port)
    server.serve_forever()
    server.server_close()
    app.extensions["webex_go_bot"].workers.stop()
