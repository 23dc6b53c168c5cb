"""Hostile MNS requests, correctly signed: each gets an MNS <Error> with a 4xx status, never a 500, and
the log holds no traceback."""

from __future__ import annotations

import email.utils
import http.client
import logging
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from imm_emulator.protocol.mns_auth import signature, string_to_sign
from tests.helpers import DEFAULT_KEY

CASES = [
    ("PUT", "/queues/q", b"<Queue><VisibilityTimeout>0</VisibilityTimeout></Queue>", "InvalidArgument"),
    ("PUT", "/queues/q", b"<Queue><DelaySeconds>9999999999999999</DelaySeconds></Queue>", "InvalidArgument"),
    ("PUT", "/queues/q", b"<Queue><VisibilityTimeout>", "MalformedXML"),
    ("PUT", "/queues/q", b'<!DOCTYPE a [<!ENTITY x "y">]><Queue>&x;</Queue>', None),
    ("PUT", "/queues/q", b"<Topic/>", "MalformedXML"),
    ("PUT", "/queues/bad_name!", b"", "InvalidArgument"),
    ("PUT", "/queues/" + "a" * 300, b"", "InvalidArgument"),
    ("GET", "/queues/missing/messages?waitseconds=31", b"", "InvalidArgument"),
    ("GET", "/queues/missing/messages?numOfMessages=17", b"", "InvalidArgument"),
    ("GET", "/queues/missing/messages", b"", "QueueNotExist"),
    ("DELETE", "/queues/missing/messages?ReceiptHandle=%00%ff", b"", "QueueNotExist"),
    ("POST", "/queues/missing/messages", b"<Message><MessageBody>x</MessageBody></Message>", "QueueNotExist"),
    ("PATCH", "/queues/q", b"", "InvalidOperation"),
    ("GET", "/queues/q/unknown/deeper", b"", "InvalidOperation"),
    ("POST", "/topics/missing/messages", b"<Message><MessageBody>x</MessageBody></Message>", "TopicNotExist"),
    ("PUT", "/topics/t", b"<Topic><MaximumMessageSize>-1</MaximumMessageSize></Topic>", "InvalidArgument"),
    ("GET", "/queues", b"", None),
]


def call(endpoint: str, method: str, target: str, body: bytes, headers: dict[str, str] | None = None):
    parts = urlsplit(endpoint)
    signed = {
        "date": email.utils.formatdate(usegmt=True),
        "x-mns-version": "2015-06-06",
        "content-type": "text/xml;charset=UTF-8",
        **(headers or {}),
    }
    text = string_to_sign(method, signed, target)
    signed["authorization"] = f"MNS {DEFAULT_KEY[0]}:{signature(DEFAULT_KEY[1], text)}"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request(method, target, body=body, headers=signed)
    response = connection.getresponse()
    return response.status, response.read()


@pytest.mark.parametrize(("method", "target", "body", "code"), CASES)
def test_hostile_request_gets_an_mns_error(imm_emulator, caplog, method, target, body, code) -> None:
    caplog.set_level(logging.WARNING)
    status, answer = call(imm_emulator.endpoint, method, target, body)
    assert status < 500, answer
    if code is not None:
        error = ET.fromstring(answer)
        assert error.tag == "{http://mns.aliyuncs.com/doc/v1/}Error"
        found = {child.tag.rpartition("}")[2]: child.text for child in error}
        assert found["Code"] == code and found["RequestId"] and found["HostId"]
    assert "Traceback" not in caplog.text


def test_a_signature_over_other_headers_is_refused(imm_emulator) -> None:
    status, answer = call(imm_emulator.endpoint, "GET", "/queues", b"", {"x-mns-prefix": "a"})
    assert status == 200
    parts = urlsplit(imm_emulator.endpoint)
    headers = {"date": email.utils.formatdate(usegmt=True), "x-mns-version": "2015-06-06"}
    headers["authorization"] = f"MNS {DEFAULT_KEY[0]}:{signature(DEFAULT_KEY[1], 'tampered')}"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", "/queues", headers=headers)
    response = connection.getresponse()
    assert response.status == 403 and b"SignatureDoesNotMatch" in response.read()
    stale = {"date": "Sun, 06 Dec 2020 00:00:00 GMT"}
    status, answer = call(imm_emulator.endpoint, "GET", "/queues", b"", stale)
    assert status == 408 and b"TimeExpired" in answer
