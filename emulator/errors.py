"""IMM errors: one catalog of codes with their HTTP status and message, as the real service words them.

Codes with a parameter or resource in them (``Missing{ParameterName}``, ``Invalid{ParameterName}``) are
built by the helpers below so the wording stays in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The emulator's own: its disk is full. 507, which the SDKs retry a bounded number of times (OSS v2: 3).
STORAGE_FULL = (
    "The emulator's disk is full: delete objects (DELETE works on a full disk) or free space, then retry."
)


# code -> (HTTP status, message). Gateway (POP) codes first, then IMM's own.
CATALOG: dict[str, tuple[int, str]] = {
    "InvalidApi.NotFound": (404, "Specified api is not found, please check your url and method."),
    # imm-emulator's own: a real operation it does not emulate. 400, so no retry policy repeats it.
    "OperationNotEmulated": (400, "This IMM operation is not emulated by imm-emulator."),
    "InvalidVersion": (400, "Specified parameter Version is not valid."),
    "InvalidAccessKeyId.NotFound": (404, "Specified access key is not found."),
    "InvalidAccessKeyId.Inactive": (400, "Specified access key is disabled."),
    "SignatureDoesNotMatch": (400, "Specified signature is not matched with our calculation."),
    "IncompleteSignature": (400, "The request signature does not conform to Aliyun standards."),
    "InvalidTimeStamp.Format": (400, "Specified time stamp or date value is not well formatted."),
    "InvalidTimeStamp.Expired": (400, "Specified time stamp or date value is expired."),
    "SignatureNonceUsed": (400, "Specified signature nonce was used already."),
    "InvalidSignatureMethod": (400, "Specified signature method is not valid."),
    "MissingSecurityToken": (400, "SecurityToken is mandatory for this action."),
    "InvalidSecurityToken.MismatchWithAccessKey": (
        400,
        "Specified SecurityToken mismatch with the AccessKey.",
    ),
    "Throttling.User": (400, "Request was denied due to user flow control."),
    "Forbidden.RAM": (403, "User not authorized to operate on the specified APIs."),
    "InternalError": (500, "An unknown error occurred while processing your request."),
    "ServiceUnavailable": (503, "The server is temporarily unavailable."),
    "InsufficientStorage": (507, STORAGE_FULL),
    "InvalidArgument": (400, "The parameter is invalid."),
    "InvalidJSON": (400, "Array parsing error."),
    "LimitExceededError": (400, "Message: resource count exceeds the limit"),
    "ResourceAlreadyExists": (400, "The specified resource already exists."),
    "ResourceNotFound": (404, "The specified resource is not found."),
}

RETRY_AFTER_CODES = frozenset({"Throttling.User"})


@dataclass
class ImmError(Exception):
    """An error answer: the protocol layer turns it into the JSON envelope with ``http_status``."""

    code: str
    message: str = ""
    http_status: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        status, default_message = CATALOG.get(self.code, (400, self.code))
        self.message = self.message or default_message
        self.http_status = self.http_status or status
        if self.code in RETRY_AFTER_CODES:
            self.headers.setdefault("x-acs-retry-after", "1")
        super().__init__(f"{self.code}: {self.message}")


def ascii_int(text: str | None) -> int | None:
    """The value of a plain ASCII decimal (no sign, no '²' or other Unicode digits), else None."""
    if text is None or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def missing(parameter: str) -> ImmError:
    return ImmError(f"Missing{parameter}", f"{parameter} is mandatory for this action.", 400)


def invalid(parameter: str, detail: str = "") -> ImmError:
    message = f"Specified parameter {parameter} is not valid."
    return ImmError(f"Invalid{parameter}", f"{message} {detail}".strip(), 400)


def invalid_argument(message: str) -> ImmError:
    return ImmError("InvalidArgument", message)


def not_found(resource: str) -> ImmError:
    return ImmError("ResourceNotFound", f"The specified resource {resource} is not found.")


def already_exists(resource: str) -> ImmError:
    return ImmError("ResourceAlreadyExists", f"The specified resource {resource} already exists.")


# OSS answers errors in its own XML shape: code -> (HTTP status, message, EC).
OSS_CATALOG: dict[str, tuple[int, str, str]] = {
    "AccessDenied": (403, "You have no right to access this object because of bucket acl.", "0003-00000001"),
    "InvalidAccessKeyId": (
        403,
        "The OSS Access Key Id you provided does not exist in our records.",
        "0002-00000005",
    ),
    "SignatureDoesNotMatch": (
        403,
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        "0002-00000040",
    ),
    "RequestTimeTooSkewed": (
        403,
        "The difference between the request time and the current time is too large.",
        "0002-00000504",
    ),
    "InvalidSecurityToken": (403, "The security token you provided is invalid.", "0002-00000008"),
    "NoSuchBucket": (404, "The specified bucket does not exist.", "0015-00000101"),
    "NoSuchKey": (404, "The specified key does not exist.", "0026-00000001"),
    "NoSuchUpload": (404, "The specified upload does not exist.", "0042-00000002"),
    "BucketAlreadyExists": (409, "The requested bucket name is not available.", "0015-00000104"),
    "BucketNotEmpty": (409, "The bucket you tried to delete is not empty.", "0015-00000301"),
    "InvalidBucketName": (400, "The specified bucket is not valid.", "0015-00000003"),
    "InvalidObjectName": (400, "The specified object is not valid.", "0016-00000005"),
    "InvalidArgument": (400, "An argument is invalid.", "0017-00000001"),
    "InvalidRange": (416, "The requested range cannot be satisfied.", "0017-00000208"),
    "InvalidDigest": (400, "The Content-MD5 you specified is not valid.", "0016-00000009"),
    "InvalidPart": (400, "One or more of the specified parts could not be found.", "0042-00000003"),
    "InvalidPartOrder": (400, "The list of parts was not in ascending order.", "0042-00000004"),
    "EntityTooLarge": (400, "Your proposed upload exceeds the maximum allowed size.", "0016-00000001"),
    "FileAlreadyExists": (
        409,
        "The object you specified already exists and can not be overwritten.",
        "0016-00000708",
    ),
    "EntityTooSmall": (
        400,
        "Your proposed upload is smaller than the minimum allowed size.",
        "0042-00000001",
    ),
    "MalformedXML": (400, "The XML you provided was not well-formed.", "0016-00000004"),
    "MethodNotAllowed": (405, "The specified method is not allowed against this resource.", "0016-00000403"),
    "NotImplemented": (
        501,
        "A header you provided implies functionality that is not implemented.",
        "0016-00000501",
    ),
    "InternalError": (500, "We encountered an internal error. Please try again.", "0001-00000001"),
    "InsufficientStorage": (507, STORAGE_FULL, "0001-00000507"),
}


@dataclass
class OssError(Exception):
    """An OSS error answer; ``extra`` adds elements to the XML (Key, BucketName, StringToSign...)."""

    code: str
    message: str = ""
    http_status: int = 0
    extra: dict[str, str] = field(default_factory=dict)
    ec: str = ""

    def __post_init__(self) -> None:
        status, default_message, ec = OSS_CATALOG.get(self.code, (400, self.code, "0000-00000000"))
        self.message = self.message or default_message
        self.http_status = self.http_status or status
        self.ec = self.ec or ec
        super().__init__(f"{self.code}: {self.message}")


# MNS error code -> (HTTP status, default message), as MNS answers them in its <Error> document.
MNS_CATALOG: dict[str, tuple[int, str]] = {
    "AccessDenied": (403, "The access key has no permission on this resource."),
    "InvalidAccessKeyId": (403, "The access key id you provided does not exist."),
    "SignatureDoesNotMatch": (
        403,
        "The request signature we calculated does not match the signature you provided.",
    ),
    "TimeExpired": (408, "The http request you sent is expired."),
    "InvalidArgument": (400, "The value of an argument is invalid."),
    "MalformedXML": (400, "The XML you provided was not well-formed."),
    "MessageBodyTooLong": (400, "The message body is longer than the queue's or topic's MaximumMessageSize."),
    "QueueNotExist": (404, "The queue name you provided is not exist."),
    "QueueAlreadyExist": (409, "The queue you want to create is already exist."),
    "MessageNotExist": (404, "Message not exist."),
    "ReceiptHandleError": (400, "The receipt handle you provide is not valid."),
    "TopicNotExist": (404, "The topic name you provided is not exist."),
    "TopicAlreadyExist": (409, "The topic you want to create is already exist."),
    "SubscriptionNotExist": (404, "The subscription name you provided is not exist."),
    "SubscriptionAlreadyExist": (409, "The subscription you want to create is already exist."),
    "InvalidOperation": (405, "This operation is not supported on this resource."),
    "InternalError": (500, "Internal error, please try again later."),
    "InsufficientStorage": (507, "The emulator's disk is full."),
}


@dataclass
class MnsError(Exception):
    """An MNS error answer (XML ``<Error>`` with Code, Message, RequestId, HostId)."""

    code: str
    message: str = ""
    http_status: int = 0

    def __post_init__(self) -> None:
        status, default_message = MNS_CATALOG.get(self.code, (400, self.code))
        self.message = self.message or default_message
        self.http_status = self.http_status or status
        super().__init__(f"{self.code}: {self.message}")
