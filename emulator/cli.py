"""``imm-emulator serve``: the standalone server. Flags come from EmulatorConfig's field metadata."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from . import __version__
from .config import EmulatorConfig


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imm-emulator", description="Local emulator of Alibaba Cloud IMM.")
    parser.add_argument("--version", action="version", version=f"imm-emulator {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the emulator server",
        description="Run the emulator server. "
        "Every flag can also be set with the environment variable shown.",
    )
    for name, meta in EmulatorConfig.options():
        kwargs = {"dest": name, "default": None, "help": f"{meta['help']} [env {meta['env']}]"}
        if meta["multiple"]:
            kwargs["action"] = "append"
        if meta["choices"]:
            kwargs["choices"] = meta["choices"]
        if meta["metavar"]:
            kwargs["metavar"] = meta["metavar"]
        serve.add_argument(meta["flag"], **kwargs)
    serve.add_argument("--log-level", default="WARNING", help="logging level (DEBUG shows every request)")
    return parser


def serve(args: argparse.Namespace) -> int:
    from .runtime import Runtime
    from .server import Server

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    overrides = {name: getattr(args, name) for name, _ in EmulatorConfig.options()}
    try:
        config = EmulatorConfig.from_env(**overrides)
    except ValueError as exc:
        print(f"imm-emulator: {exc}", file=sys.stderr)
        return 2
    try:
        server = Server(Runtime(config))
    except OSError as exc:
        print(f"imm-emulator: cannot listen on {config.host}:{config.port}: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    server.start()
    print(f"imm-emulator ready on {server.url}", flush=True)
    stop.wait()
    server.stop()
    server.runtime.close()
    print("imm-emulator stopped", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
