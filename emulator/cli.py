"""``imm-emulator serve``: the standalone server. Flags come from EmulatorConfig's field metadata."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import signal
import sys
import threading
from typing import Any

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
        kwargs: dict[str, Any] = {
            "dest": name,
            "default": None,
            "help": f"{meta['help']} [env {meta['env']}]",
        }
        if meta["multiple"]:
            kwargs["action"] = "append"
        if meta["switch"]:
            kwargs.update(action="store_const", const=True)
        if meta["choices"]:
            kwargs["choices"] = meta["choices"]
        if meta["metavar"]:
            kwargs["metavar"] = meta["metavar"]
        serve.add_argument(meta["flag"], **kwargs)
    serve.add_argument("--log-level", default="WARNING", help="logging level (DEBUG shows every request)")
    check = commands.add_parser(
        "validate",
        help="check recorded IMM answers against the JSON-Schema contract",
        description="Check recorded IMM answers (one JSON document per file, or JSON Lines) against the "
        "contract. Exit status 0 if every answer validates, 1 otherwise.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="JSON or JSON Lines files ('-' reads stdin)")
    check.add_argument("--operation", help="the operation they answer (default: inferred from each answer)")
    check.add_argument(
        "--strict",
        action="store_true",
        help="hold answers to the emulator's stricter contract (enums, formats, no unknown fields)",
    )
    return parser


def validate(args: argparse.Namespace) -> int:
    from .contract import infer_operation
    from .contract import validate as check

    failures = 0
    for name in args.files:
        try:
            text = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()  # noqa: SIM115
        except (OSError, UnicodeDecodeError) as exc:  # JSON is UTF-8: anything else is not an answer
            print(f"{name}: cannot read: {exc}")
            failures += 1
            continue
        for where, payload in _documents(name, text):
            if isinstance(payload, ValueError):
                print(f"{where}: not JSON: {payload}")
                failures += 1
                continue
            operation = args.operation or infer_operation(payload)
            if operation is None:
                print(f"{where}: cannot tell which operation this answers; give --operation")
                failures += 1
                continue
            violations = check(operation, payload, strict=args.strict)
            if violations:
                failures += 1
                for violation in violations:
                    print(f"{where}: {operation}: {violation}")
            else:
                print(f"{where}: OK ({operation})")
    return 1 if failures else 0


def _documents(name: str, text: str):
    """One JSON document, or JSON Lines: -> (where, payload or the ValueError)."""
    try:
        yield name, json.loads(text)
        return
    except ValueError:
        pass
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                yield f"{name}:{number}", json.loads(line)
            except ValueError as exc:
                yield f"{name}:{number}", exc


def serve(args: argparse.Namespace) -> int:
    from .runtime import Runtime
    from .web.server import Server

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
    if not _loopback(config.host) and (config.auth == "off" or not config.control_token):
        print(
            f"imm-emulator: warning: listening on {config.host}, reachable from other machines, with "
            f"{'auth off' if config.auth == 'off' else 'no --control-token'}: anyone who reaches it can "
            "drive it",
            file=sys.stderr,
            flush=True,
        )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    server.start()
    print(f"imm-emulator ready on {server.url}", flush=True)
    if server.ca_file is not None:
        print(f"imm-emulator CA certificate: {server.ca_file}", flush=True)
    stop.wait()
    server.stop()
    server.runtime.close()
    print("imm-emulator stopped", flush=True)
    return 0


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "validate":
        return validate(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
