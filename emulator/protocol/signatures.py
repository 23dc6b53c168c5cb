"""Alibaba Cloud RPC request signatures, recomputed the way the SDKs compute them.

Pure functions over decoded parameters and headers; ``auth.py`` decides what to do with a mismatch.
ACS3-HMAC-SHA256: alibabacloud_tea_openapi ``Utils.get_authorization``. RPC v1 HMAC-SHA1:
aliyunsdkcore ``rpc_signature_composer`` and tea-openapi ``Utils.get_rpcsignature``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote

ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_ACS3_AUTH = re.compile(r"^(ACS3-[A-Z0-9-]+) +(.*)$")


def pct(value: str) -> str:
    """POP percent-encoding: RFC 3986 unreserved kept, space -> %20, '*' -> %2A."""
    return quote(value, safe="~")


@dataclass(frozen=True)
class Acs3Authorization:
    algorithm: str
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_acs3_authorization(header: str) -> Acs3Authorization | None:
    """``ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`` -> parts; None if malformed."""
    match = _ACS3_AUTH.match(header.strip())
    if not match:
        return None
    parts: dict[str, str] = {}
    for item in match.group(2).split(","):
        name, sep, value = item.strip().partition("=")
        if not sep:
            return None
        parts[name] = value
    if not {"Credential", "SignedHeaders", "Signature"} <= parts.keys() or not parts["Credential"]:
        return None
    signed = tuple(h for h in parts["SignedHeaders"].split(";") if h)
    return Acs3Authorization(match.group(1), parts["Credential"], signed, parts["Signature"])


def acs3_canonical_request(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    header_values: dict[str, list[str]],
    signed_headers: tuple[str, ...],
    payload_hash: str,
) -> str:
    """``header_values`` maps lower-case names to every value received; ``query`` is decoded pairs."""
    unique = dict(query)
    canonical_query = "&".join(f"{pct(k)}={pct(unique[k])}" for k in sorted(unique))
    canonical_headers = "".join(
        f"{name}:{','.join(sorted(v.strip() for v in header_values.get(name, [])))}\n"
        for name in signed_headers
    )
    return "\n".join(
        [
            method.upper(),
            path or "/",
            canonical_query,
            canonical_headers,
            ";".join(signed_headers),
            payload_hash,
        ]
    )


def acs3_string_to_sign(canonical_request: str, algorithm: str = ACS3_ALGORITHM) -> str:
    return f"{algorithm}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"


def acs3_signature(secret: str, string_to_sign: str) -> str:
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def rpc_v1_string_to_sign(method: str, params: dict[str, str]) -> str:
    """Every parameter but ``Signature`` (query and form body alike), sorted by name."""
    canonical = "&".join(f"{pct(k)}={pct(v)}" for k, v in sorted(params.items()) if k != "Signature")
    return f"{method.upper()}&{pct('/')}&{pct(canonical)}"


def rpc_v1_signature(secret: str, string_to_sign: str) -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def same(expected: str, got: str) -> bool:
    return hmac.compare_digest(expected.encode(), got.encode())
