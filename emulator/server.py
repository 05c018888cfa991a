"""EmulatorServer: serves an Emulator over HTTP on loopback, in a background thread."""

import logging
import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_app
from .loopback import is_loopback_host
from .state import Emulator

logger = logging.getLogger(__name__)

# How often the serving loop checks for stop(); the default 0.5 s slows test teardowns.
SHUTDOWN_POLL_SECONDS = 0.05


class _QuietRequestHandler(WSGIRequestHandler):
    """Sends werkzeug's per-request access lines to this module's logger at DEBUG."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logger.debug("%s %s", self.requestline, code)


class EmulatorServer:
    """Serves an Emulator at ``base_url`` and runs its webhook delivery thread.

    Use ``start()``/``stop()``, or a ``with`` block. Only loopback hosts are accepted.
    """

    def __init__(
        self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        if not is_loopback_host(host):
            raise ValueError(f"the emulator serves on loopback only, not on {host!r}")
        self.emulator = emulator
        self.host = host
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The API base URL, ``http://127.0.0.1:PORT/v1/`` (the SDK needs the slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1/"

    def start(self) -> None:
        """Serve in a background thread and start webhook delivery."""
        if self._server is not None:
            raise RuntimeError("the emulator server is already running")
        self._server = make_server(
            self.host,
            self.port,
            create_app(self.emulator),
            threaded=True,
            request_handler=_QuietRequestHandler,
        )
        self.port = self._server.server_port
        try:
            self.emulator.start_delivery()
        except RuntimeError:
            self._server.server_close()
            self._server = None
            raise
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="emulator-http",
            daemon=True,
        )
        self._thread.start()
        logger.info("Webex emulator serving at %s", self.base_url)

    def stop(self) -> None:
        """Finish queued deliveries, stop serving, and join both threads."""
        if self._server is None or self._thread is None:
            return
        # Deliver first, while receivers can still call the API back.
        self.emulator.stop_delivery()
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
        self._server = None
        self._thread = None
        logger.info("Webex emulator stopped")

    def __enter__(self) -> "EmulatorServer":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
