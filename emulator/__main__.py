"""Run the emulator alone: ``python -m emulator [--host 127.0.0.1] [--port 8790]``."""

import argparse
import logging

from .seed import DEFAULT_PORT, serve_forever


def main() -> None:
    parser = argparse.ArgumentParser(description="Webex API emulator (loopback only)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--latency-ms", type=float, default=0, help="delay for every API call"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    serve_forever(args.host, args.port, latency_ms=args.latency_ms)


if __name__ == "__main__":
    main()
