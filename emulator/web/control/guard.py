"""Who may drive the control API. It can wipe state and add keys, so on a developer's laptop it must
not be reachable by a web page the developer happens to visit:

* DNS rebinding: a page on ``evil.example`` whose name later resolves to 127.0.0.1 sends requests
  with ``Host: evil.example``. When the emulator listens on a loopback address, only loopback Host
  names (``localhost``, ``*.localhost``, ``127.x.y.z``, ``[::1]``) and ``--allowed-host`` names are
  answered. Listening beyond loopback, the Host is not checked: use ``--control-token`` there.
* Cross-site requests: a page can POST ``text/plain``, form or body-less requests anywhere without a
  CORS preflight, but not ``application/json`` and not custom headers. So every write must be
  ``Content-Type: application/json`` or carry ``X-IMM-Emulator``, and an ``Origin`` (or
  ``Sec-Fetch-Site: cross-site``) from elsewhere is refused.
* The token, when configured, is compared exactly: ``Authorization: Bearer TOKEN`` or ``?token=``.

No Flask here: the blueprint passes what it needs.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from urllib.parse import urlsplit

from ...config import EmulatorConfig
from ...errors import ImmError
from ...protocol.signatures import same

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def hostname(host: str) -> str:
    """``Host`` header -> the name alone, lower-cased (``[::1]:8089`` -> ``::1``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def is_loopback_name(name: str) -> bool:
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def listens_on_loopback(config: EmulatorConfig) -> bool:
    return is_loopback_name(hostname(config.host) if ":" not in config.host else config.host)


def host_allowed(config: EmulatorConfig, host: str) -> bool:
    if not listens_on_loopback(config):
        return True
    name = hostname(host)
    return is_loopback_name(name) or name in config.allowed_hosts


def token_given(config: EmulatorConfig, authorization: str, query_token: str | None) -> bool:
    """The configured control token was presented, exactly."""
    token = config.control_token
    if not token:
        return False
    return same(authorization, f"Bearer {token}") or (query_token is not None and same(query_token, token))


def check(
    config: EmulatorConfig,
    method: str,
    path: str,
    header: Callable[[str], str | None],
    query_token: str | None,
) -> None:
    """Raise the ImmError that refuses this control request, if any."""
    if not host_allowed(config, header("Host") or ""):
        raise ImmError(
            "Forbidden.Host",
            f"The control API answers loopback Host names only (got {header('Host')!r}); "
            "name others with --allowed-host, or listen beyond loopback with --control-token.",
            403,
        )
    origin = header("Origin")
    cross_site = (header("Sec-Fetch-Site") or "").lower() == "cross-site"
    if origin is not None:
        name = hostname(urlsplit(origin).netloc)
        same_origin = name == hostname(header("Host") or "")
        cross_site |= not (same_origin or is_loopback_name(name) or name in config.allowed_hosts)
    if cross_site:
        raise ImmError(
            "Forbidden.CrossSite", f"The control API refuses cross-site requests (Origin {origin!r}).", 403
        )
    if method not in SAFE_METHODS:
        mimetype = (header("Content-Type") or "").split(";", 1)[0].strip().lower()
        if mimetype != "application/json" and header("X-IMM-Emulator") is None:
            raise ImmError(
                "Forbidden.CrossSite",
                "Control API writes need 'Content-Type: application/json' or an 'X-IMM-Emulator' header "
                "(a web page cannot send either to another site without the emulator's consent).",
                403,
            )
    if config.control_token and path != "/_emulator/health":
        if not token_given(config, header("Authorization") or "", query_token):
            raise ImmError(
                "Forbidden.ControlToken",
                "The control API needs 'Authorization: Bearer <token>' "
                "(the --control-token of this emulator).",
                401,
            )
