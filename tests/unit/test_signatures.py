"""The fixed test vectors of the IMM reference (ACS3-HMAC-SHA256 and RPC v1 HMAC-SHA1), and that one
changed byte in any signed header, the query or the secret breaks the signature."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from imm_emulator.protocol import signatures as sig

SECRET = "testSecret"
QUERY = (
    "Notification=%7B%22MNS%22%3A%7B%22TopicName%22%3A%22t1%22%7D%7D&ProjectName=p1"
    "&SourceURI=oss%3A%2F%2Fb%2Fv+1.mp4&Tags=%7B%22a%22%3A%22b%22%7D&UserData=u"
)
HEADERS = {
    "host": "127.0.0.1:18080",
    "x-acs-version": "2020-09-30",
    "x-acs-action": "CreateVideoLabelClassificationTask",
    "user-agent": "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
    "x-acs-date": "2024-01-01T00:00:00Z",
    "x-acs-signature-nonce": "0123456789abcdef0123456789abcdef",
    "accept": "application/json",
    "x-acs-content-sha256": sig.EMPTY_SHA256,
    "x-acs-credentials-provider": "static_ak",
}
AUTHORIZATION = (
    "ACS3-HMAC-SHA256 Credential=testAK,SignedHeaders=accept;host;user-agent;x-acs-action;"
    "x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,"
    "Signature=9b0c5d2d3a0db4f7f02021b24f36cb73e1cfb46207c021f6a8d86c2d46ed32a4"
)
STRING_TO_SIGN = "ACS3-HMAC-SHA256\ne7261d67395c95b68bd698a47ee138797d72bd54d37a10a87bf3dc147f889469"

V1_PARAMS = {
    "AccessKeyId": "testAK",
    "Action": "CreateVideoLabelClassificationTask",
    "Format": "json",
    "Notification": '{"MNS":{"TopicName":"t1"}}',
    "ProjectName": "p1",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "0123456789abcdef0123456789abcdef",
    "SignatureVersion": "1.0",
    "SourceURI": "oss://b/v 1.mp4",
    "Tags": '{"a":"b"}',
    "Timestamp": "2024-01-01T00:00:00Z",
    "UserData": "u",
    "Version": "2020-09-30",
}
V1_STRING_TO_SIGN = (
    "POST&%2F&AccessKeyId%3DtestAK%26Action%3DCreateVideoLabelClassificationTask%26Format%3Djson"
    "%26Notification%3D%257B%2522MNS%2522%253A%257B%2522TopicName%2522%253A%2522t1%2522%257D%257D"
    "%26ProjectName%3Dp1%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D0123456789abcdef0123456789abcdef"
    "%26SignatureVersion%3D1.0%26SourceURI%3Doss%253A%252F%252Fb%252Fv%25201.mp4"
    "%26Tags%3D%257B%2522a%2522%253A%2522b%2522%257D%26Timestamp%3D2024-01-01T00%253A00%253A00Z"
    "%26UserData%3Du%26Version%3D2020-09-30"
)


def acs3_signature(query: str = QUERY, headers: dict | None = None, secret: str = SECRET) -> tuple[str, str]:
    parsed = sig.parse_acs3_authorization(AUTHORIZATION)
    values = {k: [v] for k, v in (headers or HEADERS).items()}
    canonical = sig.acs3_canonical_request(
        "POST", "/", parse_qsl(query, keep_blank_values=True), values, parsed.signed_headers, sig.EMPTY_SHA256
    )
    string_to_sign = sig.acs3_string_to_sign(canonical)
    return string_to_sign, sig.acs3_signature(secret, string_to_sign)


def test_acs3_vector_verifies() -> None:
    parsed = sig.parse_acs3_authorization(AUTHORIZATION)
    assert parsed.access_key_id == "testAK"
    string_to_sign, signature = acs3_signature()
    assert string_to_sign == STRING_TO_SIGN
    assert signature == parsed.signature


def test_acs3_space_as_plus_or_percent_20_sign_the_same() -> None:
    assert acs3_signature(QUERY.replace("v+1", "v%201")) == acs3_signature()


@pytest.mark.parametrize("header", sorted(HEADERS))
def test_acs3_one_changed_byte_in_any_signed_header_fails(header: str) -> None:
    changed = dict(HEADERS)
    value = changed[header]
    changed[header] = value[:-1] + chr(ord(value[-1]) ^ 1)
    assert acs3_signature(headers=changed)[1] != sig.parse_acs3_authorization(AUTHORIZATION).signature


@pytest.mark.parametrize("position", range(0, len(QUERY), 7))
def test_acs3_one_changed_byte_in_the_query_fails(position: int) -> None:
    if QUERY[position] in "%&=+":
        position += 1
    changed = QUERY[:position] + chr(ord(QUERY[position]) ^ 1) + QUERY[position + 1 :]
    assert acs3_signature(query=changed)[1] != sig.parse_acs3_authorization(AUTHORIZATION).signature


def test_acs3_changed_secret_fails() -> None:
    assert acs3_signature(secret="testSecreT")[1] != sig.parse_acs3_authorization(AUTHORIZATION).signature


def test_rpc_v1_vector_verifies() -> None:
    string_to_sign = sig.rpc_v1_string_to_sign("POST", V1_PARAMS)
    assert string_to_sign == V1_STRING_TO_SIGN
    assert sig.rpc_v1_signature(SECRET, string_to_sign) == "fh0NXXU2br0Oxo+z4l3S9eYxeug="


@pytest.mark.parametrize("name", sorted(V1_PARAMS))
def test_rpc_v1_one_changed_byte_in_any_parameter_fails(name: str) -> None:
    changed = dict(V1_PARAMS)
    changed[name] = changed[name][:-1] + chr(ord(changed[name][-1]) ^ 1)
    assert (
        sig.rpc_v1_signature(SECRET, sig.rpc_v1_string_to_sign("POST", changed))
        != "fh0NXXU2br0Oxo+z4l3S9eYxeug="
    )


def test_rpc_v1_changed_secret_fails() -> None:
    assert sig.rpc_v1_signature("testSecrex", V1_STRING_TO_SIGN) != "fh0NXXU2br0Oxo+z4l3S9eYxeug="


@pytest.mark.parametrize(
    "header",
    [
        "ACS3-HMAC-SHA256",
        "ACS3-HMAC-SHA256 Credential=,SignedHeaders=a,Signature=b",
        "ACS3-HMAC-SHA256 Credential=a,Signature=b",
        "ACS3-HMAC-SHA256 Credential=a SignedHeaders=b Signature=c",
        "Bearer xyz",
    ],
)
def test_malformed_authorization_is_rejected(header: str) -> None:
    assert sig.parse_acs3_authorization(header) is None
