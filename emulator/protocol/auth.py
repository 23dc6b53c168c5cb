"""Who is calling: verify the request's signature against the configured keys, or, with auth off,
trust whatever AccessKeyId it names. Either way the caller's account scopes everything it sees.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from ..clock import NS, Clock, format_rfc3339, parse_rfc3339
from ..config import AccessKey, EmulatorConfig, account_for
from ..errors import ImmError, missing
from ..state import NonceCache
from . import signatures as sig
from .rpc import HttpRequest

SKEW_SECONDS = 15 * 60
_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$")


@dataclass(frozen=True)
class Caller:
    access_key_id: str | None
    account: str
    scheme: str  # an ACS3-/ACS4- algorithm (signatures.HMAC_DIGESTS) | HMAC-SHA1 | anonymous
    verified: bool


class Authenticator:
    def __init__(self, config: EmulatorConfig, clock: Clock, nonces: NonceCache | None = None) -> None:
        self.strict = config.auth == "strict"
        self._clock = clock
        self._nonces = NonceCache(SKEW_SECONDS) if nonces is None else nonces
        self._lock = threading.Lock()
        self._keys = {k.access_key_id: k for k in config.access_keys}
        self.default_account = config.access_keys[0].account_id

    def add_key(self, key: AccessKey) -> bool:
        """Accept ``key``; False (nothing changed) if its AccessKeyId is taken by a different key."""
        with self._lock:
            if self._keys.get(key.access_key_id, key) != key:
                return False
            self._keys[key.access_key_id] = key
            return True

    def accounts(self) -> set[str]:
        """The accounts of the keys accepted."""
        with self._lock:
            return {key.account_id for key in self._keys.values()}

    def key(self, access_key_id: str) -> AccessKey | None:
        with self._lock:
            return self._keys.get(access_key_id)

    def account_of(self, access_key_id: str | None) -> str:
        if not access_key_id:
            return self.default_account
        key = self.key(access_key_id)
        return key.account_id if key else account_for(access_key_id)

    def reset(self) -> None:
        self._nonces.reset()

    def close(self) -> None:
        self._nonces.close()

    def authenticate(self, request: HttpRequest, params: dict[str, str]) -> Caller:
        """``params``: query and form parameters, as received (strings)."""
        authorization = request.header("Authorization") or ""
        if authorization.startswith(("ACS3-", "ACS4-")):
            return self._acs(request, authorization)
        if "Signature" in params or "AccessKeyId" in params:
            return self._rpc_v1(request, params)
        if self.strict:
            unsupported = _unsupported_scheme(request, params, authorization)
            if unsupported:
                raise ImmError(
                    "InvalidSignatureMethod",
                    f"Specified signature method is not valid. {unsupported} imm-emulator verifies "
                    f"{_SUPPORTED}.",
                )
            raise missing("AccessKeyId")
        return Caller(None, self.default_account, "anonymous", False)

    # --- ACS3 (tea-openapi) and ACS4 (gateway-pop, signature_version v4) -------------------------
    def _acs(self, request: HttpRequest, authorization: str) -> Caller:
        parsed = sig.parse_acs3_authorization(authorization)
        if parsed is None:
            raise _malformed(authorization)
        if not self.strict:
            return Caller(
                parsed.access_key_id, self.account_of(parsed.access_key_id), parsed.algorithm, False
            )
        _check_algorithm(parsed.algorithm)
        key = self._known_key(parsed.access_key_id)
        _check_date_and_nonce_signed(request, parsed.signed_headers)
        signed_at = self._check_timestamp(request.header("x-acs-date") or "")
        _check_nothing_unsigned(request, parsed.signed_headers)
        if parsed.scope is not None:
            _check_scope(parsed.scope, request.header("x-acs-date") or "")
        self._check_acs_signature(request, parsed, key)
        self._check_token(key, request.header("x-acs-security-token"))
        self._check_nonce(key, request.header("x-acs-signature-nonce") or "", signed_at)
        return Caller(key.access_key_id, key.account_id, parsed.algorithm, True)

    @staticmethod
    def _check_acs_signature(request: HttpRequest, parsed: sig.Acs3Authorization, key: AccessKey) -> None:
        """The signature over what was signed first, then the body against the hash that was signed."""
        algorithm = parsed.algorithm
        hash_header = sig.content_hash_header(algorithm)
        body_hash = sig.hex_hash(algorithm, request.body)
        claimed_hash = request.header(hash_header) or body_hash
        headers = {name: request.header_values(name) for name in parsed.signed_headers}
        canonical = sig.acs3_canonical_request(
            request.method, request.path, request.query_pairs(), headers, parsed.signed_headers, claimed_hash
        )
        string_to_sign = sig.acs3_string_to_sign(canonical, algorithm)
        if parsed.scope is None:
            expected = sig.acs3_signature(key.secret, string_to_sign, algorithm)
        else:
            signing_key = sig.acs4_signing_key(key.secret, parsed.scope, algorithm)
            expected = sig.acs4_signature(signing_key, string_to_sign, algorithm)
        if not sig.same(expected, parsed.signature):
            raise _mismatch(string_to_sign, canonical)
        if claimed_hash != body_hash:
            raise ImmError(
                "SignatureDoesNotMatch",
                f"Specified signature is not matched with our calculation. {hash_header} is "
                f"{claimed_hash} but the body hashes ({sig.HMAC_DIGESTS[algorithm].upper()}) to {body_hash}.",
            )

    # --- RPC v1, HMAC-SHA1 ----------------------------------------------------------------------
    def _rpc_v1(self, request: HttpRequest, params: dict[str, str]) -> Caller:
        access_key_id = params.get("AccessKeyId", "")
        if not self.strict:
            return Caller(access_key_id or None, self.account_of(access_key_id), "HMAC-SHA1", False)
        for name in ("AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce", "Timestamp"):
            if not params.get(name):
                raise missing(name)
        if params["SignatureMethod"] != "HMAC-SHA1":
            raise ImmError(
                "InvalidSignatureMethod",
                f"Specified signature method is not valid. {params['SignatureMethod']!r} is not supported; "
                "use HMAC-SHA1.",
            )
        key = self._known_key(access_key_id)
        signed_at = self._check_timestamp(params["Timestamp"])
        string_to_sign = sig.rpc_v1_string_to_sign(request.method, params)
        if not sig.same(sig.rpc_v1_signature(key.secret, string_to_sign), params["Signature"]):
            raise _mismatch(string_to_sign)
        self._check_token(key, params.get("SecurityToken"))
        self._check_nonce(key, params["SignatureNonce"], signed_at)
        return Caller(key.access_key_id, key.account_id, "HMAC-SHA1", True)

    # --- shared checks --------------------------------------------------------------------------
    def _known_key(self, access_key_id: str) -> AccessKey:
        key = self.key(access_key_id)
        if key is None:
            raise ImmError(
                "InvalidAccessKeyId.NotFound", f"Specified access key is not found: {access_key_id!r}."
            )
        return key

    def _check_timestamp(self, value: str) -> float:
        """The request's signing time (seconds), if within the window of the wall clock."""
        try:
            signed_at = parse_rfc3339(value) / NS if _TIMESTAMP.match(value) else None
        except ValueError:
            signed_at = None
        if signed_at is None:
            raise ImmError(
                "InvalidTimeStamp.Format",
                f"Specified time stamp or date value is not well formatted: {value!r}; "
                "expected UTC yyyy-MM-ddTHH:mm:ssZ.",
            )
        skew = abs(signed_at - self._clock.wall())
        if skew > SKEW_SECONDS:
            raise ImmError(
                "InvalidTimeStamp.Expired",
                f"Specified time stamp or date value is expired: {value} is {skew:.0f} s away from the "
                f"server's time {format_rfc3339(self._clock.wall_ns() // NS * NS)} "
                f"(at most {SKEW_SECONDS} s allowed).",
            )
        return signed_at

    @staticmethod
    def _check_token(key: AccessKey, token: str | None) -> None:
        if key.security_token is None and not token:
            return
        if key.security_token is not None and not token:
            raise missing("SecurityToken")
        if token != key.security_token:
            raise ImmError("InvalidSecurityToken.MismatchWithAccessKey")

    def _check_nonce(self, key: AccessKey, nonce: str, signed_at: float) -> None:
        if not self._nonces.remember(key.access_key_id, nonce, self._clock.wall(), signed_at):
            raise ImmError("SignatureNonceUsed", f"Specified signature nonce was used already: {nonce!r}.")


_SUPPORTED = f"{', '.join(sig.HMAC_DIGESTS)} and RPC v1 HMAC-SHA1"
_ACS3_FORMAT = "'{alg} Credential=<AccessKeyId>,SignedHeaders=<h1;h2>,Signature=<hex>'"
_ACS4_FORMAT = (
    "'{alg} Credential=<AccessKeyId>/<yyyymmdd>/<region>/imm/aliyun_v4_request,"
    "SignedHeaders=<h1;h2>,Signature=<hex>'"
)


def _malformed(authorization: str) -> ImmError:
    algorithm = authorization.split(" ", 1)[0]
    shape = _ACS4_FORMAT if algorithm.startswith("ACS4-") else _ACS3_FORMAT
    return ImmError(
        "IncompleteSignature",
        "The request signature does not conform to Aliyun standards. Expected "
        f"{shape.format(alg=algorithm)}.",
    )


def _check_algorithm(algorithm: str) -> None:
    """InvalidSignatureMethod, saying why, for an algorithm the emulator cannot verify."""
    if algorithm == sig.ACS3_RSA:
        reason = (
            f"{algorithm} is signed with an RSA private key and can only be verified with its public "
            "key; imm-emulator holds AccessKey secrets only, so it cannot verify it."
        )
    elif algorithm not in sig.HMAC_DIGESTS:
        reason = f"{algorithm} is not a signature algorithm of the Alibaba Cloud SDKs."
    elif not sig.digest_available(sig.HMAC_DIGESTS[algorithm]):
        reason = f"{algorithm} needs SM3, which the OpenSSL under this Python does not provide."
    else:
        return
    raise ImmError(
        "InvalidSignatureMethod",
        f"Specified signature method is not valid. {reason} Use one of {_SUPPORTED}.",
    )


def _check_date_and_nonce_signed(request: HttpRequest, signed_headers: tuple[str, ...]) -> None:
    """Without a signed date and nonce a signature could be replayed forever."""
    for required in ("x-acs-date", "x-acs-signature-nonce"):
        if required not in signed_headers or not request.header(required):
            raise ImmError(
                "IncompleteSignature",
                f"The request signature does not conform to Aliyun standards. The {required} header "
                "must be sent and listed in SignedHeaders.",
            )


def _check_nothing_unsigned(request: HttpRequest, signed_headers: tuple[str, ...]) -> None:
    """What selects behaviour must be signed: every x-acs-* header sent (action, version, content hash,
    token...) and host, so no header can be added to a signed request."""
    signed = {name.lower() for name in signed_headers}
    sent = {name.lower() for name, _ in request.headers}
    unsigned = sorted(n for n in sent - signed if n.startswith("x-acs-") or n == "host")
    if unsigned:
        raise ImmError(
            "IncompleteSignature",
            "The request signature does not conform to Aliyun standards. Every x-acs-* header and host "
            f"must be listed in SignedHeaders; not listed: {', '.join(unsigned)}.",
        )


def _check_scope(scope: sig.Acs4Scope, acs_date: str) -> None:
    """An ACS4 key is bound to a day and a product: the scope must name x-acs-date's day and IMM. Any
    region is accepted: gateway-pop takes it from ``region_id`` or, without one, from the endpoint's host
    (``center`` for a local address), and it is bound into the signing key all the same."""
    day = acs_date[:10].replace("-", "")
    problem = ""
    if scope.date != day:
        problem = f"its date {scope.date} is not the day of x-acs-date {acs_date} ({day})"
    elif scope.product.lower() != "imm":
        problem = f"it names product {scope.product!r}, not imm (set the gateway client's product_id)"
    if problem:
        raise ImmError(
            "IncompleteSignature",
            "The request signature does not conform to Aliyun standards. The Credential scope "
            f"{scope.date}/{scope.region}/{scope.product}/{sig.ACS4_TERMINATOR} is not valid here: "
            f"{problem}.",
        )


def _unsupported_scheme(request: HttpRequest, params: dict[str, str], authorization: str) -> str:
    """Why an SDK-authenticated request carries no signature imm-emulator can check ('' if none): a
    bearer token (tea-openapi and gateway-pop with a ``bearer`` credential) or another Authorization."""
    if request.header("x-acs-bearer-token") or params.get("SignatureType") == "BEARERTOKEN":
        return "A bearer token (SignatureType BEARERTOKEN) cannot be verified: imm-emulator has none."
    if authorization:
        scheme = authorization.split(" ", 1)[0]
        return f"Authorization scheme {scheme!r} is not an IMM signature."
    return ""


def _mismatch(string_to_sign: str, canonical_request: str | None = None) -> ImmError:
    message = (
        f"Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
    )
    if canonical_request is not None:
        message += f" canonical request is:{canonical_request}"
    return ImmError("SignatureDoesNotMatch", message)
