"""IMM errors: one catalog of codes with their HTTP status and message, as the real service words them.

Codes with a parameter or resource in them (``Missing{ParameterName}``, ``Invalid{ParameterName}``) are
built by the helpers below so the wording stays in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# code -> (HTTP status, message). Gateway (POP) codes first, then IMM's own.
CATALOG: dict[str, tuple[int, str]] = {
    "InvalidApi.NotFound": (404, "Specified api is not found, please check your url and method."),
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
