"""Who is calling: verify the request's signature against the configured keys, or, with auth off,
trust whatever AccessKeyId it names. Either way the caller's account scopes everything it sees.
"""

from __future__ import annotations

import hashlib
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
    scheme: str  # ACS3-HMAC-SHA256 | HMAC-SHA1 | anonymous
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
        if authorization.startswith("ACS3-"):
            return self._acs3(request, authorization)
        if "Signature" in params or "AccessKeyId" in params:
            return self._rpc_v1(request, params)
        if self.strict:
            raise missing("AccessKeyId")
        return Caller(None, self.default_account, "anonymous", False)

    # --- ACS3-HMAC-SHA256 -------------------------------------------------------------------------
    def _acs3(self, request: HttpRequest, authorization: str) -> Caller:
        parsed = sig.parse_acs3_authorization(authorization)
        if parsed is None:
            raise ImmError(
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards. Expected "
                "'ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<h1;h2>,Signature=<hex>'.",
            )
        if not self.strict:
            return Caller(
                parsed.access_key_id, self.account_of(parsed.access_key_id), parsed.algorithm, False
            )
        if parsed.algorithm != sig.ACS3_ALGORITHM:
            raise ImmError(
                "InvalidSignatureMethod",
                f"Specified signature method is not valid. {parsed.algorithm} is not supported by "
                f"imm-emulator; use {sig.ACS3_ALGORITHM}.",
            )
        key = self._known_key(parsed.access_key_id)
        for required in ("x-acs-date", "x-acs-signature-nonce"):
            if required not in parsed.signed_headers or not request.header(required):
                raise ImmError(
                    "IncompleteSignature",
                    f"The request signature does not conform to Aliyun standards. The {required} header "
                    "must be sent and listed in SignedHeaders.",
                )
        signed_at = self._check_timestamp(request.header("x-acs-date") or "")
        # What selects behaviour must be signed: every x-acs-* header sent (action, version, content
        # hash, token...) and host, so no header can be added to a signed request.
        signed = {name.lower() for name in parsed.signed_headers}
        sent = {name.lower() for name, _ in request.headers}
        unsigned = sorted(n for n in sent - signed if n.startswith("x-acs-") or n == "host")
        if unsigned:
            raise ImmError(
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards. Every x-acs-* header and host "
                f"must be listed in SignedHeaders; not listed: {', '.join(unsigned)}.",
            )
        body_hash = hashlib.sha256(request.body).hexdigest()
        claimed_hash = request.header("x-acs-content-sha256") or body_hash
        headers = {name: request.header_values(name) for name in parsed.signed_headers}
        canonical = sig.acs3_canonical_request(
            request.method, request.path, request.query_pairs(), headers, parsed.signed_headers, claimed_hash
        )
        string_to_sign = sig.acs3_string_to_sign(canonical, parsed.algorithm)
        if not sig.same(sig.acs3_signature(key.secret, string_to_sign), parsed.signature):
            raise _mismatch(string_to_sign, canonical)
        if claimed_hash != body_hash:
            raise ImmError(
                "SignatureDoesNotMatch",
                f"Specified signature is not matched with our calculation. x-acs-content-sha256 is "
                f"{claimed_hash} but the body hashes to {body_hash}.",
            )
        self._check_token(key, request.header("x-acs-security-token"))
        self._check_nonce(key, request.header("x-acs-signature-nonce") or "", signed_at)
        return Caller(key.access_key_id, key.account_id, parsed.algorithm, True)

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


def _mismatch(string_to_sign: str, canonical_request: str | None = None) -> ImmError:
    message = (
        f"Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
    )
    if canonical_request is not None:
        message += f" canonical request is:{canonical_request}"
    return ImmError("SignatureDoesNotMatch", message)
