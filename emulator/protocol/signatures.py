"""Alibaba Cloud RPC request signatures, recomputed the way the SDKs compute them.

Pure functions over decoded parameters and headers; ``auth.py`` decides what to do with a mismatch.
ACS3-HMAC-SHA256 / ACS3-HMAC-SM3: alibabacloud_tea_openapi ``Utils.get_authorization``, ``Utils.hash``
and ``signature_method`` (SM3 hashes the payload and the canonical request, HMAC-SM3 signs).
ACS4-HMAC-SHA256 / ACS4-HMAC-SM3 (``Config(signature_version="v4")`` with a gateway client):
alibabacloud_gateway_pop ``Client.modify_request`` / ``get_signature`` / ``get_signingkey``: the same
canonical request and string to sign, signed with a key derived from the Credential scope.
RPC v1 HMAC-SHA1: aliyunsdkcore ``rpc_signature_composer`` and tea-openapi ``Utils.get_rpcsignature``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote

ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
ACS3_SM3 = "ACS3-HMAC-SM3"
ACS3_RSA = "ACS3-RSA-SHA256"
ACS4_ALGORITHM = "ACS4-HMAC-SHA256"
ACS4_SM3 = "ACS4-HMAC-SM3"
# algorithm -> hashlib digest of its payload hash, canonical request hash and HMAC
HMAC_DIGESTS = {ACS3_ALGORITHM: "sha256", ACS3_SM3: "sm3", ACS4_ALGORITHM: "sha256", ACS4_SM3: "sm3"}
ACS4_SIGN_PREFIX = "aliyun_v4"  # gateway-pop's signPrefix: key prefix and scope terminator stem
ACS4_TERMINATOR = f"{ACS4_SIGN_PREFIX}_request"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_ACS3_AUTH = re.compile(r"^(ACS[34]-[A-Z0-9-]+) +(.*)$")


def pct(value: str) -> str:
    """POP percent-encoding: RFC 3986 unreserved kept, space -> %20, '*' -> %2A."""
    return quote(value, safe="~")


def digest_available(name: str) -> bool:
    """SM3 is in hashlib only when the OpenSSL underneath provides it."""
    try:
        hashlib.new(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Acs4Scope:
    """``Credential=AK/<yyyymmdd>/<region>/<product>/aliyun_v4_request``: what the signing key is bound to."""

    date: str
    region: str
    product: str


@dataclass(frozen=True)
class Acs3Authorization:
    """An ``ACS3-*`` or ``ACS4-*`` Authorization header; ``scope`` is None for ACS3."""

    algorithm: str
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str
    scope: Acs4Scope | None = None


def parse_acs3_authorization(header: str) -> Acs3Authorization | None:
    """``ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`` (ACS4: ``Credential=AK/scope``)
    -> parts; None if malformed."""
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
    algorithm, credential = match.group(1), parts["Credential"]
    if not algorithm.startswith("ACS4-"):
        return Acs3Authorization(algorithm, credential, signed, parts["Signature"])
    fields = credential.rsplit("/", 4)
    if len(fields) != 5 or not all(fields) or fields[4] != ACS4_TERMINATOR:
        return None
    scope = Acs4Scope(fields[1], fields[2], fields[3])
    return Acs3Authorization(algorithm, fields[0], signed, parts["Signature"], scope)


def content_hash_header(algorithm: str) -> str:
    """gateway-pop sends an ACS4 SM3 payload hash as ``x-acs-content-sm3``; tea-openapi's ACS3 SM3 (and
    every SHA-256 signer) as ``x-acs-content-sha256``."""
    return "x-acs-content-sm3" if algorithm == ACS4_SM3 else "x-acs-content-sha256"


def hex_hash(algorithm: str, data: bytes) -> str:
    """The algorithm's hash (SHA-256 or SM3), of the payload or of the canonical request."""
    return hashlib.new(HMAC_DIGESTS[algorithm], data).hexdigest()


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
    """ACS3 and ACS4 alike: the algorithm, then the hex hash of the canonical request."""
    return f"{algorithm}\n{hex_hash(algorithm, canonical_request.encode())}"


def acs3_signature(secret: str, string_to_sign: str, algorithm: str = ACS3_ALGORITHM) -> str:
    return _hmac(secret.encode(), string_to_sign, algorithm).hex()


def acs4_signing_key(secret: str, scope: Acs4Scope, algorithm: str = ACS4_ALGORITHM) -> bytes:
    """HMAC chain ``aliyun_v4<secret>`` -> date -> region -> product -> ``aliyun_v4_request``."""
    key = f"{ACS4_SIGN_PREFIX}{secret}".encode()
    for part in (scope.date, scope.region, scope.product, ACS4_TERMINATOR):
        key = _hmac(key, part, algorithm)
    return key


def acs4_signature(signing_key: bytes, string_to_sign: str, algorithm: str = ACS4_ALGORITHM) -> str:
    return _hmac(signing_key, string_to_sign, algorithm).hex()


def _hmac(key: bytes, message: str, algorithm: str) -> bytes:
    return hmac.new(key, message.encode(), HMAC_DIGESTS[algorithm]).digest()


def rpc_v1_string_to_sign(method: str, params: dict[str, str]) -> str:
    """Every parameter but ``Signature`` (query and form body alike), sorted by name."""
    canonical = "&".join(f"{pct(k)}={pct(v)}" for k, v in sorted(params.items()) if k != "Signature")
    return f"{method.upper()}&{pct('/')}&{pct(canonical)}"


def rpc_v1_signature(secret: str, string_to_sign: str) -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def same(expected: str, got: str) -> bool:
    return hmac.compare_digest(expected.encode(), got.encode())
