"""OSS request signatures: v1 (``OSS AK:sig``, oss2's default), v2 (``OSS2``, oss2's ``AuthV2``) and v4
(``OSS4-HMAC-SHA256``, oss-v2's default), in the Authorization header or in a presigned URL's query, checked
against the same keys and ``--auth`` mode as IMM. A mismatch names the string-to-sign the emulator computed,
as OSS does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote

from ..clock import Clock
from ..config import AccessKey
from ..errors import OssError, ascii_int
from .auth import SKEW_SECONDS, Authenticator, Caller
from .rpc import HttpRequest
from .signatures import same

# Sub-resources that enter the v1 CanonicalizedResource. oss2 and oss-v2 sign with different lists;
# a request verifies if it matches either client's computation.
_COMMON_SUBRESOURCES = frozenset(
    [
        "acl", "bucketInfo", "location", "stat", "delete", "append", "tagging", "objectMeta", "uploads",
        "uploadId", "partNumber", "security-token", "position", "response-content-type",
        "response-content-language", "response-expires", "response-cache-control",
        "response-content-disposition", "response-content-encoding", "restore", "callback", "callback-var",
        "versions", "versioning", "versionId", "sequential", "continuation-token", "regionList", "symlink",
        "resourceGroup",
    ]
)  # fmt: skip
OSS_V2_SUBRESOURCES = _COMMON_SUBRESOURCES | {"cloudboxes"}
OSS2_SUBRESOURCES = _COMMON_SUBRESOURCES | frozenset(
    [
        "logging", "group", "link", "website", "objectInfo", "cors", "lifecycle", "qos", "referer", "live",
        "comp", "status", "vod", "startTime", "endTime", "x-oss-process", "encryption", "policy",
        "requestPayment", "x-oss-traffic-limit", "qosInfo", "asyncFetch", "x-oss-request-payer", "inventory",
        "inventoryId", "worm", "wormId", "wormExtend", "replication", "replicationLocation",
        "replicationProgress", "transferAcceleration", "cname", "metaQuery", "x-oss-ac-source-ip",
        "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow", "style", "styleName",
        "x-oss-async-process", "x-oss-write-get-object-response", "bucketArchiveDirectRead", "httpsConfig",
        "redundancyTransition", "x-oss-target-redundancy-type", "x-oss-redundancy-transition-taskid",
        "accessPoint", "accessPointPolicy", "publicAccessBlock", "x-oss-access-point-name",
        "requesterQosInfo", "qosRequester", "resourcePoolInfo", "resourcePool", "resourcePoolBuckets",
    ]
)  # fmt: skip
V4_DEFAULT_SIGNED = ("content-type", "content-md5")
_V1_HEADER = re.compile(r"^OSS ([^:\s]+):(\S+)$")
_V2_FIELDS = frozenset(["AccessKeyId", "AdditionalHeaders", "Signature"])
_V4_HEADER = re.compile(r"^OSS4-HMAC-SHA256\s+(.*)$")
_V4_DATE = re.compile(r"^[0-9]{8}T[0-9]{6}Z$")


def v1_string_to_sign(method: str, headers: dict[str, str], date: str, resource: str) -> str:
    """``headers``: lower-case names -> values (first value of each)."""
    oss = "".join(f"{k}:{headers[k]}\n" for k in sorted(h for h in headers if h.startswith("x-oss-")))
    fields = [method, headers.get("content-md5", ""), headers.get("content-type", ""), date, oss + resource]
    return "\n".join(fields)


def v1_resource(bucket: str, key: str, params: list[tuple[str, str]], subresources: frozenset[str]) -> str:
    sub = sorted((k, v) for k, v in params if k in subresources)
    query = "?" + "&".join(f"{k}={v}" if v else k for k, v in sub) if sub else ""
    return (f"/{bucket}/{key}" if bucket else "/") + query


def v1_signature(secret: str, string_to_sign: str) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha1).digest()
    ).decode()


def v2_encode(text: str) -> str:
    """oss2 ``v2_uri_encode``: UTF-8 bytes, all but ``A-Za-z0-9-_.~`` as upper-case %XX, '/' included."""
    return quote(text, safe="")


def v2_resource(bucket: str, key: str, params: list[tuple[str, str]]) -> str:
    """oss2 ``ProviderAuthV2.__get_resource_string``: the encoded path, then every query parameter (not
    only sub-resources), names and values encoded, sorted by name, ``name`` alone when the value is empty."""
    encoded = sorted((v2_encode(k), v2_encode(v)) for k, v in params)
    query = "&".join(f"{k}={v}" if v else k for k, v in encoded)
    return v2_encode(f"/{bucket}/{key}" if bucket else "/") + ("?" + query if query else "")


def v2_string_to_sign(
    method: str, headers: dict[str, str], date: str, additional: list[str], resource: str
) -> str:
    """oss2 ``ProviderAuthV2.__get_string_to_sign``; the v1 lines plus the sorted AdditionalHeaders line,
    whose headers join the x-oss-* ones in the canonical headers."""
    signed = sorted(h for h in headers if h.startswith("x-oss-") or h in additional)
    oss = "".join(f"{h}:{headers[h]}\n" for h in signed)
    md5, content_type = headers.get("content-md5", ""), headers.get("content-type", "")
    return "\n".join([method, md5, content_type, date, oss + ";".join(sorted(additional)), resource])


def v2_signature(secret: str, string_to_sign: str) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    ).decode()


def v4_encode(text: str, keep_slash: bool) -> str:
    return quote(text, safe="-_.~" + ("/" if keep_slash else ""))


def v4_canonical_request(
    method: str,
    bucket: str,
    key: str,
    params: list[tuple[str, str]],
    headers: dict[str, str],
    additional: list[str],
    payload: str,
) -> str:
    uri = v4_encode(f"/{bucket}/{key}" if bucket else "/", True)
    encoded = sorted((v4_encode(k, False), v4_encode(v, False)) for k, v in params)
    query = "&".join(f"{k}={v}" if v else k for k, v in encoded)
    signed = sorted(h for h in headers if h.startswith("x-oss-") or h in V4_DEFAULT_SIGNED or h in additional)
    canonical_headers = "".join(f"{h}:{headers[h].strip()}\n" for h in signed)
    return "\n".join([method, uri, query, canonical_headers, ";".join(sorted(additional)), payload])


def v4_signature(secret: str, scope: str, date_time: str, canonical_request: str) -> tuple[str, str]:
    """-> (string to sign, signature); ``scope`` is ``YYYYMMDD/region/product/aliyun_v4_request``."""
    date, region, product, _ = scope.split("/", 3)
    digest = hashlib.sha256(canonical_request.encode()).hexdigest()
    string_to_sign = "\n".join(["OSS4-HMAC-SHA256", date_time, scope, digest])
    key = hmac.new(f"aliyun_v4{secret}".encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, product, "aliyun_v4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return string_to_sign, hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


class OssAuthenticator:
    """``authenticate(request, bucket, key)`` -> Caller, or OssError."""

    def __init__(self, keys: Authenticator, clock: Clock) -> None:
        self._keys, self._clock = keys, clock

    def authenticate(self, request: HttpRequest, bucket: str, key: str) -> Caller:
        params = request.query_pairs()
        names = {k for k, _ in params}
        headers = request.first_headers()
        authorization = headers.get("authorization", "")
        if authorization.startswith("OSS4-HMAC-SHA256"):
            return self._v4_header(request, bucket, key, params, headers, authorization)
        if authorization.startswith("OSS "):
            return self._v1_header(request, bucket, key, params, headers, authorization)
        if authorization.startswith("OSS2 "):
            return self._v2_header(request, bucket, key, params, headers, authorization)
        if "x-oss-signature" in names and ("x-oss-signature-version", "OSS2") in params:
            return self._v2_query(request, bucket, key, params, headers)
        if "x-oss-signature" in names:
            return self._v4_query(request, bucket, key, params, headers)
        if "Signature" in names and "OSSAccessKeyId" in names:
            return self._v1_query(request, bucket, key, params, headers)
        if authorization:
            return self._refuse_or_trust(_bad_authorization(authorization))
        if self._keys.strict:
            raise OssError("AccessDenied", "Anonymous access is refused: the request carries no signature.")
        return Caller(None, self._keys.default_account, "anonymous", False)

    # --- v1 -------------------------------------------------------------------------------------
    def _v1_header(self, request, bucket, key, params, headers, authorization) -> Caller:
        match = _V1_HEADER.match(authorization)
        if not match:
            return self._refuse_or_trust(_bad_authorization(authorization))
        access_key_id, signature = match.groups()
        if not self._keys.strict:
            return self._trusted(access_key_id, "OSS")
        found = self._known(access_key_id)
        date = headers.get("x-oss-date") or headers.get("date", "")
        self._check_http_date(date)
        self._check_v1(request.method, bucket, key, params, headers, date, found, signature)
        self._check_token(found, headers.get("x-oss-security-token") or headers.get("security-token"))
        return Caller(access_key_id, found.account_id, "OSS", True)

    def _v1_query(self, request, bucket, key, params, headers) -> Caller:
        query = dict(params)
        access_key_id = query["OSSAccessKeyId"]
        if not self._keys.strict:
            return self._trusted(access_key_id, "OSS-query")
        found = self._known(access_key_id)
        expires = query.get("Expires", "")
        if not expires.isdigit():
            raise OssError(
                "AccessDenied", "Expires must be a Unix time in seconds.", extra={"Expires": expires}
            )
        if int(expires) < self._clock.wall():
            raise OssError("AccessDenied", "Request has expired.", extra={"Expires": expires})
        signed = [(k, v) for k, v in params if k not in ("OSSAccessKeyId", "Expires", "Signature")]
        self._check_v1(
            request.method, bucket, key, signed, headers, expires, found, query.get("Signature", "")
        )
        self._check_token(found, query.get("security-token"))
        return Caller(access_key_id, found.account_id, "OSS-query", True)

    @staticmethod
    def _check_v1(method, bucket, key, params, headers, date, found: AccessKey, signature: str) -> None:
        candidates = []
        for subresources in (OSS2_SUBRESOURCES, OSS_V2_SUBRESOURCES):
            resource = v1_resource(bucket, key, params, subresources)
            string_to_sign = v1_string_to_sign(method, headers, date, resource)
            if same(v1_signature(found.secret, string_to_sign), signature):
                return
            candidates.append(string_to_sign)
        raise _mismatch(candidates[0], found.access_key_id, signature)

    # --- v2 -------------------------------------------------------------------------------------
    def _v2_header(self, request, bucket, key, params, headers, authorization) -> Caller:
        fields = _v2_fields(authorization)
        if fields is None:
            return self._refuse_or_trust(_bad_authorization(authorization))
        access_key_id, additional, signature = fields
        if not self._keys.strict:
            return self._trusted(access_key_id, "OSS2")
        found = self._known(access_key_id)
        date = headers.get("x-oss-date") or headers.get("date", "")
        self._check_http_date(date)
        resource = v2_resource(bucket, key, params)
        string_to_sign = v2_string_to_sign(request.method, headers, date, additional, resource)
        self._check_v2(found, string_to_sign, signature)
        self._check_token(found, headers.get("x-oss-security-token"))
        return Caller(access_key_id, found.account_id, "OSS2", True)

    def _v2_query(self, request, bucket, key, params, headers) -> Caller:
        """oss2 ``ProviderAuthV2._sign_url``: the absolute expiry time stands in the Date line, and every
        query parameter but x-oss-signature is signed (security-token included)."""
        query = dict(params)
        access_key_id = query.get("x-oss-access-key-id", "")
        if not self._keys.strict:
            return self._trusted(access_key_id or None, "OSS2-query")
        found = self._known(access_key_id)
        expires = query.get("x-oss-expires", "")
        self._check_v2_expires(expires)
        additional = _v2_additional(query.get("x-oss-additional-headers"))
        if additional is None:
            raise OssError("InvalidArgument", "x-oss-additional-headers lists an empty header name.")
        signed = [(k, v) for k, v in params if k != "x-oss-signature"]
        resource = v2_resource(bucket, key, signed)
        string_to_sign = v2_string_to_sign(request.method, headers, expires, additional, resource)
        self._check_v2(found, string_to_sign, query.get("x-oss-signature", ""))
        self._check_token(found, query.get("security-token"))
        return Caller(access_key_id, found.account_id, "OSS2-query", True)

    def _check_v2_expires(self, expires: str) -> None:
        """v2's x-oss-expires is an absolute Unix time, where v4's counts seconds from x-oss-date."""
        if ascii_int(expires) is None:
            raise OssError(
                "AccessDenied", "x-oss-expires must be a Unix time in seconds.", extra={"Expires": expires}
            )
        if int(expires) < self._clock.wall():
            raise OssError("AccessDenied", "Request has expired.", extra={"Expires": expires})

    @staticmethod
    def _check_v2(found: AccessKey, string_to_sign: str, signature: str) -> None:
        if not same(v2_signature(found.secret, string_to_sign), signature):
            raise _mismatch(string_to_sign, found.access_key_id, signature)

    # --- v4 -------------------------------------------------------------------------------------
    def _v4_header(self, request, bucket, key, params, headers, authorization) -> Caller:
        fields = _v4_fields(authorization)
        credential = fields.get("Credential", "")
        access_key_id = credential.split("/", 1)[0]
        if not self._keys.strict:
            return self._trusted(access_key_id or None, "OSS4-HMAC-SHA256")
        scope = _scope(credential)
        found = self._known(access_key_id)
        date_time = headers.get("x-oss-date", "")
        self._check_v4_date(date_time, scope)
        additional = [h for h in fields.get("AdditionalHeaders", "").split(";") if h]
        payload = headers.get("x-oss-content-sha256", "UNSIGNED-PAYLOAD")
        canonical = v4_canonical_request(request.method, bucket, key, params, headers, additional, payload)
        string_to_sign, expected = v4_signature(found.secret, scope, date_time, canonical)
        provided = fields.get("Signature", "")
        if not same(expected, provided):
            raise _mismatch(string_to_sign, access_key_id, provided, canonical)
        self._check_token(found, headers.get("x-oss-security-token"))
        return Caller(access_key_id, found.account_id, "OSS4-HMAC-SHA256", True)

    def _v4_query(self, request, bucket, key, params, headers) -> Caller:
        query = dict(params)
        credential = query.get("x-oss-credential", "")
        access_key_id = credential.split("/", 1)[0]
        if not self._keys.strict:
            return self._trusted(access_key_id or None, "OSS4-query")
        if query.get("x-oss-signature-version") != "OSS4-HMAC-SHA256":
            raise OssError("InvalidArgument", "x-oss-signature-version must be OSS4-HMAC-SHA256.")
        scope = _scope(credential)
        found = self._known(access_key_id)
        date_time = query.get("x-oss-date", "")
        self._check_v4_date(date_time, scope, skew=False)
        expires = query.get("x-oss-expires", "")
        if ascii_int(expires) is None or _v4_epoch(date_time) + int(expires) < self._clock.wall():
            raise OssError("AccessDenied", "Request has expired.", extra={"Expires": expires})
        additional = [h for h in query.get("x-oss-additional-headers", "").split(";") if h]
        signed = [(k, v) for k, v in params if k != "x-oss-signature"]
        canonical = v4_canonical_request(
            request.method, bucket, key, signed, headers, additional, "UNSIGNED-PAYLOAD"
        )
        string_to_sign, expected = v4_signature(found.secret, scope, date_time, canonical)
        provided = query.get("x-oss-signature", "")
        if not same(expected, provided):
            raise _mismatch(string_to_sign, access_key_id, provided, canonical)
        self._check_token(found, query.get("x-oss-security-token"))
        return Caller(access_key_id, found.account_id, "OSS4-query", True)

    # --- shared ---------------------------------------------------------------------------------
    def _trusted(self, access_key_id: str | None, scheme: str) -> Caller:
        return Caller(access_key_id, self._keys.account_of(access_key_id), scheme, False)

    def _refuse_or_trust(self, error: OssError) -> Caller:
        if self._keys.strict:
            raise error
        return self._trusted(None, "unparsed")

    def _known(self, access_key_id: str) -> AccessKey:
        found = self._keys.key(access_key_id)
        if found is None:
            raise OssError("InvalidAccessKeyId", extra={"OSSAccessKeyId": access_key_id})
        return found

    def _check_http_date(self, date: str) -> None:
        try:
            when = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError):
            raise OssError(
                "AccessDenied", "OSS authentication requires a valid Date.", extra={"Date": date}
            ) from None
        self._check_skew(when, date)

    def _check_v4_date(self, date_time: str, scope: str, skew: bool = True) -> None:
        if not _V4_DATE.match(date_time) or not scope.startswith(date_time[:8] + "/"):
            raise OssError(
                "AccessDenied",
                "x-oss-date must be YYYYMMDDTHHMMSSZ and agree with the Credential scope.",
                extra={"x-oss-date": date_time},
            )
        if skew:
            self._check_skew(_v4_epoch(date_time), date_time)

    def _check_skew(self, when: float, text: str) -> None:
        if abs(when - self._clock.wall()) > SKEW_SECONDS:
            raise OssError(
                "RequestTimeTooSkewed", extra={"RequestTime": text, "MaxAllowedSkewMilliseconds": "900000"}
            )

    @staticmethod
    def _check_token(found: AccessKey, token: str | None) -> None:
        if (found.security_token or token) and token != found.security_token:
            raise OssError("InvalidSecurityToken")


def _bad_authorization(authorization: str) -> OssError:
    return OssError(
        "InvalidArgument", "Authorization header is invalid.", extra={"Authorization": authorization}
    )


def _v2_fields(authorization: str) -> tuple[str, list[str], str] | None:
    """``OSS2 AccessKeyId:AK[,AdditionalHeaders:a;b],Signature:sig`` -> (AK, [a, b], sig); None when a
    field is unknown, repeated or missing, or AdditionalHeaders names an empty header (OSS refuses both)."""
    fields: dict[str, str] = {}
    for item in authorization.removeprefix("OSS2 ").split(","):
        name, sep, value = item.strip().partition(":")
        if not sep or name not in _V2_FIELDS or name in fields:
            return None
        fields[name] = value
    additional = _v2_additional(fields.get("AdditionalHeaders"))
    if not fields.get("AccessKeyId") or not fields.get("Signature") or additional is None:
        return None
    return fields["AccessKeyId"], additional, fields["Signature"]


def _v2_additional(names: str | None) -> list[str] | None:
    """``a;B`` -> [a, b] (absent: []); None if a name is empty, as in ``a;`` or an empty list."""
    if names is None:
        return []
    listed = [name.strip().lower() for name in names.split(";")]
    return None if not all(listed) else listed


def _v4_fields(authorization: str) -> dict[str, str]:
    match = _V4_HEADER.match(authorization)
    fields: dict[str, str] = {}
    for item in (match.group(1) if match else "").split(","):
        name, sep, value = item.strip().partition("=")
        if sep:
            fields[name] = value
    return fields


def _scope(credential: str) -> str:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aliyun_v4_request" or not re.match(r"^[0-9]{8}$", parts[1]):
        raise OssError(
            "AccessDenied",
            "The Credential must be AK/YYYYMMDD/region/oss/aliyun_v4_request.",
            extra={"Credential": credential},
        )
    return "/".join(parts[1:])


def _v4_epoch(date_time: str) -> float:
    try:
        return datetime.strptime(date_time, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise OssError(
            "AccessDenied", "x-oss-date is not a real date and time.", extra={"x-oss-date": date_time}
        ) from None


def _mismatch(
    string_to_sign: str, access_key_id: str, provided: str, canonical: str | None = None
) -> OssError:
    extra = {
        "OSSAccessKeyId": access_key_id,
        "SignatureProvided": provided,
        "StringToSign": string_to_sign,
        "StringToSignBytes": " ".join(f"{b:02x}" for b in string_to_sign.encode()),
    }
    if canonical is not None:
        extra["CanonicalRequest"] = canonical
    return OssError("SignatureDoesNotMatch", extra=extra)
