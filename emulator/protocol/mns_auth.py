"""MNS request signatures (``Authorization: MNS AccessKeyId:Signature``), checked against the same keys,
accounts and ``--auth`` mode as IMM and OSS.

Signature = base64(HMAC-SHA1(secret, VERB\\nContent-MD5\\nContent-Type\\nDate\\n
CanonicalizedMNSHeaders CanonicalizedResource)), the x-mns-* headers lower-cased, sorted, one
``name:value\\n`` each, and the resource the request target as sent (path and query)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.utils import parsedate_to_datetime

from ..clock import Clock
from ..errors import MnsError
from .auth import SKEW_SECONDS, Authenticator, Caller
from .rpc import HttpRequest
from .signatures import same


def string_to_sign(method: str, headers: dict[str, str], resource: str) -> str:
    canonical = "".join(f"{name}:{headers[name]}\n" for name in sorted(headers) if name.startswith("x-mns-"))
    parts = (method, headers.get("content-md5", ""), headers.get("content-type", ""), headers.get("date", ""))
    return "\n".join(parts) + "\n" + canonical + resource


def signature(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()).decode()


class MnsAuthenticator:
    def __init__(self, keys: Authenticator, clock: Clock) -> None:
        self._keys, self._clock = keys, clock

    def authenticate(self, request: HttpRequest) -> Caller:
        headers = {name: value.strip() for name, value in request.first_headers().items()}
        authorization = headers.get("authorization", "")
        scheme, _, credential = authorization.partition(" ")
        access_key_id, colon, provided = credential.partition(":")
        if scheme != "MNS" or not colon or not access_key_id:
            if not self._keys.strict:
                return Caller(
                    access_key_id or None, self._keys.account_of(access_key_id or None), "unparsed", False
                )
            raise MnsError(
                "AccessDenied", "The request carries no 'Authorization: MNS AccessKeyId:Signature'."
            )
        if not self._keys.strict:
            return Caller(access_key_id, self._keys.account_of(access_key_id), "MNS", False)
        found = self._keys.key(access_key_id)
        if found is None:
            raise MnsError("InvalidAccessKeyId", f"The AccessKeyId {access_key_id[:64]} does not exist.")
        self._check_date(headers.get("date", ""))
        resource = request.path + (f"?{request.query_string}" if request.query_string else "")
        text = string_to_sign(request.method, headers, resource)
        if not same(signature(found.secret, text), provided):
            raise MnsError(
                "SignatureDoesNotMatch",
                f"The request signature does not match. The string to sign was {text!r}.",
            )
        token = headers.get("security-token")
        if (found.security_token or token) and token != found.security_token:
            raise MnsError("AccessDenied", "The security token is missing or does not belong to this key.")
        return Caller(access_key_id, found.account_id, "MNS", True)

    def _check_date(self, date: str) -> None:
        try:
            when = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError):
            raise MnsError(
                "AccessDenied", f"The Date header {date[:64]!r} is not an RFC 1123 date."
            ) from None
        if abs(when - self._clock.wall()) > SKEW_SECONDS:
            raise MnsError("TimeExpired", f"The request Date {date[:64]} is more than 15 minutes off.")
