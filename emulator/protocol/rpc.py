"""RPC-style requests: one plain HttpRequest in, the action, version and raw parameters out.

The real gateway reads the action from ``x-acs-action`` (ACS3 clients) or the ``Action`` parameter
(RPC v1 clients), and parameters from the query string merged with a form-encoded body.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ..config import API_VERSION
from ..errors import ImmError, missing

MAX_PARAMETERS = 500


@dataclass
class HttpRequest:
    """What the protocol layer needs of an HTTP request; built from Flask's request in app.py."""

    method: str
    path: str
    query_string: str
    headers: list[tuple[str, str]]
    body: bytes = b""
    content_type: str = ""
    _lower: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)
    _query: list[tuple[str, str]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        for name, value in self.headers:
            self._lower.setdefault(name.lower(), []).append(value)

    def header(self, name: str, default: str | None = None) -> str | None:
        values = self._lower.get(name.lower())
        return values[0] if values else default

    def first_headers(self) -> dict[str, str]:
        """Lower-case name -> first value, for every header received."""
        return {name: values[0] for name, values in self._lower.items()}

    def header_values(self, name: str) -> list[str]:
        return self._lower.get(name.lower(), [])

    def query_pairs(self) -> list[tuple[str, str]]:
        if self._query is None:  # parsing and signature checking both need them
            self._query = _parse_pairs(self.query_string, "query string")
        return list(self._query)

    def form_pairs(self) -> list[tuple[str, str]]:
        if not self.body or not self.content_type.lower().startswith("application/x-www-form-urlencoded"):
            return []
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImmError("InvalidArgument", "The request body is not valid UTF-8 form data.") from exc
        return _parse_pairs(text, "form body")


def _parse_pairs(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, errors="replace", max_num_fields=MAX_PARAMETERS)
    except ValueError as exc:
        raise ImmError("InvalidArgument", f"The {where} has more than {MAX_PARAMETERS} parameters.") from exc


@dataclass
class RpcCall:
    action: str
    version: str
    params: dict[str, str]


def parse_rpc(
    request: HttpRequest, known_actions: Collection[str], real_actions: Collection[str] = ()
) -> RpcCall:
    """Identify the call; InvalidApi.NotFound for an action IMM does not have, InvalidVersion for another
    API version, OperationNotEmulated for one of ``real_actions`` (IMM's) that is not a known one."""
    params: dict[str, str] = {}
    for name, value in request.query_pairs() + request.form_pairs():
        params.setdefault(name, value)
    action = _selector(request, params, "x-acs-action", "Action")
    if not action:
        raise missing("Action")
    if action not in known_actions and action not in real_actions:
        supported = ", ".join(sorted(known_actions))
        raise ImmError(
            "InvalidApi.NotFound",
            f"Specified api is not found, please check your url and method. {action!r} is not an "
            f"operation imm-emulator serves; it serves: {supported}.",
        )
    version = _selector(request, params, "x-acs-version", "Version")
    if not version:
        raise missing("Version")
    if version != API_VERSION:
        raise ImmError("InvalidVersion", f"Specified parameter Version is not valid. Use {API_VERSION}.")
    if action not in known_actions:
        raise ImmError(
            "OperationNotEmulated",
            f"{action} is a real IMM {API_VERSION} operation that imm-emulator does not emulate; it emulates "
            f"{', '.join(sorted(known_actions))}.",
        )
    return RpcCall(action, version, params)


def _selector(request: HttpRequest, params: dict[str, str], header: str, param: str) -> str:
    """The action (or version) as the caller signed it. RPC v1 signs parameters, never headers, so a
    v1-signed request takes it from its parameters alone (an added ``x-acs-action`` header cannot swap
    a signed GetProject for a DeleteProject). ACS3 signs both the headers and the query: the two must
    then agree."""
    from_header, from_params = request.header(header), params.get(param)
    if "Signature" in params:
        return from_params or ""
    if from_header and from_params and from_header != from_params:
        raise ImmError(
            "InvalidArgument",
            f"The {header} header ({from_header!r}) and the {param} parameter ({from_params!r}) disagree.",
        )
    return from_header or from_params or ""
