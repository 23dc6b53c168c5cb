"""OSS authentication: the same keys and --auth mode as IMM, refusals with the right OSS codes."""

from __future__ import annotations

import alibabacloud_oss_v2 as oss
import oss2
import pytest
import requests
from freezegun import freeze_time

from imm_emulator import Emulator
from tests.helpers import OTHER_KEY, STS_KEY, served


@pytest.mark.parametrize("signature", ["v1", "v4"])
def test_wrong_secret_names_the_string_to_sign(imm_emulator, signature: str) -> None:
    imm_emulator.oss2_bucket("auth-bucket").create_bucket()
    bad = imm_emulator.oss2_bucket("auth-bucket", "test-access-key-id", "wrong", signature=signature)
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as caught:
        bad.put_object("k", b"v")
    details = caught.value.details
    assert caught.value.status == 403 and details["OSSAccessKeyId"] == "test-access-key-id"
    expected = "PUT\n" if signature == "v1" else "OSS4-HMAC-SHA256\n"
    assert details["StringToSign"].startswith(expected)
    assert not imm_emulator.oss2_bucket("auth-bucket").object_exists("k")


def test_wrong_secret_oss_v2(imm_emulator) -> None:
    client = imm_emulator.oss_client("test-access-key-id", "wrong")
    with pytest.raises(oss.exceptions.OperationError) as caught:
        client.list_buckets(oss.ListBucketsRequest())
    error = caught.value.unwrap()
    assert (error.status_code, error.code) == (403, "SignatureDoesNotMatch")


@pytest.mark.parametrize("signature", ["v1", "v4"])
def test_unknown_access_key(imm_emulator, signature: str) -> None:
    bucket = imm_emulator.oss2_bucket("auth-bucket", "nobody", "secret", signature=signature)
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        bucket.create_bucket()
    assert (caught.value.status, caught.value.code) == (403, "InvalidAccessKeyId")


def test_unsigned_requests_are_refused_in_strict_mode(imm_emulator) -> None:
    imm_emulator.put_object("open-bucket", "k", b"v")
    for method, path in (("GET", "/open-bucket/k"), ("PUT", "/open-bucket/k2"), ("GET", "/open-bucket/")):
        response = requests.request(method, imm_emulator.endpoint + path, data=b"x", timeout=10)
        assert response.status_code == 403 and b"<Code>AccessDenied</Code>" in response.content
        assert response.headers["x-oss-request-id"] and response.headers["x-oss-ec"]
    head = requests.head(imm_emulator.endpoint + "/open-bucket/k", timeout=10)
    assert head.status_code == 403 and head.headers["x-oss-err"]


def test_auth_off_accepts_anonymous_and_any_signature(backend) -> None:
    with Emulator(auth="off", **backend) as emu:
        assert requests.put(f"{emu.endpoint}/free-bucket", timeout=10).status_code == 200
        assert requests.put(f"{emu.endpoint}/free-bucket/k", data=b"v", timeout=10).status_code == 200
        assert requests.get(f"{emu.endpoint}/free-bucket/k", timeout=10).content == b"v"
        signed = emu.oss2_bucket("free-bucket", "whoever", "whatever")
        with pytest.raises(oss2.exceptions.NoSuchBucket):  # another account: its own namespace
            signed.get_object("k")


def test_buckets_are_per_account(imm_emulator) -> None:
    mine = imm_emulator.oss2_bucket("same-name")
    mine.create_bucket()
    mine.put_object("k", b"mine")
    theirs = imm_emulator.oss2_bucket("same-name", *OTHER_KEY)
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        theirs.get_object("k")
    theirs.create_bucket()
    theirs.put_object("k", b"theirs")
    assert mine.get_object("k").read() == b"mine"
    imm_emulator.reset(OTHER_KEY[0])
    assert mine.get_object("k").read() == b"mine"
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        theirs.get_object("k")


@pytest.mark.parametrize("signature", ["v1", "v4"])
def test_sts_token(imm_emulator, signature: str) -> None:
    ak, secret, token = STS_KEY
    good = imm_emulator.oss2_bucket("sts-bucket", ak, signature=signature)  # the handle adds the token
    good.create_bucket()
    assert good.put_object("k", b"v").status == 200
    auth = oss2.StsAuth(ak, secret, "forged-token", auth_version=signature)
    forged = oss2.Bucket(auth, imm_emulator.endpoint, "sts-bucket", region="cn-hangzhou")
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        forged.get_object("k")
    assert (caught.value.status, caught.value.code) == (403, "InvalidSecurityToken")
    bare = imm_emulator.oss2_bucket("sts-bucket", ak, secret, signature=signature)
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        bare.get_object("k")
    assert caught.value.code == "InvalidSecurityToken"


@pytest.mark.parametrize("signature", ["v1", "v4"])
def test_skewed_clock_is_request_time_too_skewed(signature: str) -> None:
    with served() as (_, url), freeze_time("2024-01-01T00:00:00Z"):
        auth = (
            oss2.AuthV4(*("test-access-key-id", "test-access-key-secret"))
            if signature == "v4"
            else (oss2.Auth("test-access-key-id", "test-access-key-secret"))
        )
        bucket = oss2.Bucket(auth, url, "skew-bucket", region="cn-hangzhou")
        with pytest.raises(oss2.exceptions.ServerError) as caught:
            bucket.create_bucket()
        assert (caught.value.status, caught.value.code) == (403, "RequestTimeTooSkewed")
