"""OSS signature v2 (``OSS2``): what the real oss2 ``AuthV2`` signer sends, in the Authorization header
and in presigned URLs, is accepted; a wrong secret, an unknown key, an expired URL or a forged token are
refused with OSS's codes, the mismatch naming the string to sign the emulator computed."""

from __future__ import annotations

import os
import urllib.error
import urllib.request

import oss2
import pytest
import requests
from freezegun import freeze_time

from imm_emulator import Emulator
from tests.helpers import DEFAULT_KEY, STS_KEY, served

SPECIAL_KEYS = ["dir/a b+c.txt", "ünï/文件 名.txt", "100%/x%2Fy~*.txt", "q?a=1&b=#frag", "sp  ace/ /end "]


def v2_bucket(emulator, name: str, key: tuple[str, ...] = DEFAULT_KEY) -> oss2.Bucket:
    """An oss2 bucket signing with v2; a third element of ``key`` is an STS token."""
    if len(key) == 3:
        auth = oss2.StsAuth(*key, auth_version="v2")
    else:
        auth = oss2.AuthV2(*key)
    return oss2.Bucket(auth, emulator.endpoint, name, region=emulator.region)


@pytest.fixture
def bucket(imm_emulator) -> oss2.Bucket:
    b = v2_bucket(imm_emulator, "v2-bucket")
    b.create_bucket()
    return b


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    """GET with urllib (not oss2), so the URL is used as a browser would: (status, body, headers)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def test_put_get_head_list_delete(bucket: oss2.Bucket) -> None:
    headers = {"Content-Type": "text/plain", "x-oss-meta-owner": "me"}
    assert bucket.put_object("dir/k.txt", b"hello v2", headers=headers).status == 200
    got = bucket.get_object("dir/k.txt")
    assert got.read() == b"hello v2" and got.headers["x-oss-meta-owner"] == "me"
    assert bucket.get_object("dir/k.txt", byte_range=(6, 7)).read() == b"v2"  # Range: an AdditionalHeader
    assert bucket.head_object("dir/k.txt").content_length == 8
    assert bucket.get_object_meta("dir/k.txt").content_length == 8
    bucket.put_object("other", b"x")
    assert [o.key for o in oss2.ObjectIterator(bucket, max_keys=1)] == ["dir/k.txt", "other"]
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, prefix="dir/", delimiter="/")] == ["dir/k.txt"]
    assert bucket.delete_object("dir/k.txt").status == 204
    assert not bucket.object_exists("dir/k.txt")
    assert bucket.batch_delete_objects(["other"]).deleted_keys == ["other"]  # ?delete, Content-MD5
    assert bucket.get_bucket_info().name == "v2-bucket"


def test_multipart_and_copy(bucket: oss2.Bucket) -> None:
    upload_id = bucket.init_multipart_upload("mp.bin", headers={"x-oss-meta-k": "v"}).upload_id
    first, second = os.urandom(100 * 1024), b"tail"
    parts = [
        oss2.models.PartInfo(1, bucket.upload_part("mp.bin", upload_id, 1, first).etag),
        oss2.models.PartInfo(2, bucket.upload_part("mp.bin", upload_id, 2, second).etag),
    ]
    assert [p.part_number for p in bucket.list_parts("mp.bin", upload_id).parts] == [1, 2]
    assert [u.upload_id for u in oss2.MultipartUploadIterator(bucket)] == [upload_id]
    bucket.complete_multipart_upload("mp.bin", upload_id, parts)
    bucket.copy_object(bucket.bucket_name, "mp.bin", "copy/of mp.bin")
    copied = bucket.get_object("copy/of mp.bin")
    assert copied.read() == first + second and copied.headers["x-oss-meta-k"] == "v"
    aborted = bucket.init_multipart_upload("gone.bin").upload_id
    bucket.abort_multipart_upload("gone.bin", aborted)
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.list_parts("gone.bin", aborted)


@pytest.mark.parametrize("key", SPECIAL_KEYS)
def test_keys_with_special_characters(bucket: oss2.Bucket, key: str) -> None:
    bucket.put_object(key, key.encode(), headers={"x-oss-meta-note": "special"})
    assert bucket.get_object(key).read() == key.encode()
    assert bucket.head_object(key).headers["x-oss-meta-note"] == "special"
    assert [o.key for o in oss2.ObjectIterator(bucket, prefix=key)] == [key]
    status, body, _ = fetch(bucket.sign_url("GET", key, 60))
    assert (status, body) == (200, key.encode())
    bucket.copy_object(bucket.bucket_name, key, key + ".copy")
    assert bucket.get_object(key + ".copy").read() == key.encode()
    bucket.delete_object(key)
    assert not bucket.object_exists(key)


def test_presigned_get_with_params_and_additional_headers(bucket: oss2.Bucket) -> None:
    bucket.put_object("signed.txt", b"via url")
    status, body, _ = fetch(bucket.sign_url("GET", "signed.txt", 60))
    assert (status, body) == (200, b"via url")
    params = {"response-content-type": "text/x-v2+plain", "response-cache-control": "no-cache"}
    status, body, answered = fetch(bucket.sign_url("GET", "signed.txt", 60, params=params))
    assert (status, body, answered["Content-Type"]) == (200, b"via url", "text/x-v2+plain")
    ranged = bucket.sign_url(
        "GET", "signed.txt", 60, headers={"Range": "bytes=0-2"}, additional_headers=["Range"]
    )
    assert "x-oss-additional-headers=range" in ranged
    assert fetch(ranged, {"Range": "bytes=0-2"})[:2] == (206, b"via")
    status, body, _ = fetch(ranged, {"Range": "bytes=4-6"})  # a signed header changed
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body


def test_presigned_put(bucket: oss2.Bucket) -> None:
    url = bucket.sign_url("PUT", "up/loaded file.txt", 60, headers={"Content-Type": "text/x-up"})
    response = requests.put(url, data=b"put by url", headers={"Content-Type": "text/x-up"}, timeout=10)
    assert response.status_code == 200
    got = bucket.get_object("up/loaded file.txt")
    assert got.read() == b"put by url" and got.content_type == "text/x-up"


def test_expired_presigned_url_is_access_denied(bucket: oss2.Bucket) -> None:
    bucket.put_object("signed.txt", b"via url")
    status, body, _ = fetch(bucket.sign_url("GET", "signed.txt", -1))
    assert status == 403 and b"<Code>AccessDenied</Code>" in body and b"expired" in body


def test_wrong_secret_names_the_string_to_sign(imm_emulator, bucket: oss2.Bucket) -> None:
    bad = v2_bucket(imm_emulator, "v2-bucket", (DEFAULT_KEY[0], "wrong"))
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as caught:
        bad.put_object("a b", b"v", headers={"x-oss-meta-m": "1", "Content-Type": "text/plain"})
    details = caught.value.details
    assert caught.value.status == 403 and details["OSSAccessKeyId"] == DEFAULT_KEY[0]
    lines = details["StringToSign"].split("\n")
    assert lines[0] == "PUT" and lines[2] == "text/plain" and "x-oss-meta-m:1" in lines
    assert lines[-1] == "%2Fv2-bucket%2Fa%20b" and lines[-2] == ""  # no AdditionalHeaders
    assert not bucket.object_exists("a b")
    bucket.put_object("k", b"v")
    status, body, _ = fetch(bad.sign_url("GET", "k", 60))
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body
    assert b"<StringToSign>GET\n\n\n" in body and b"x-oss-signature-version=OSS2" in body


def test_unknown_access_key(imm_emulator) -> None:
    stranger = v2_bucket(imm_emulator, "v2-bucket", ("nobody", "secret"))
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        stranger.create_bucket()
    assert (caught.value.status, caught.value.code) == (403, "InvalidAccessKeyId")
    status, body, _ = fetch(stranger.sign_url("GET", "k", 60))
    assert status == 403 and b"<Code>InvalidAccessKeyId</Code>" in body


def test_sts_token(imm_emulator) -> None:
    good = v2_bucket(imm_emulator, "sts-v2", STS_KEY)
    good.create_bucket()
    assert good.put_object("k", b"v").status == 200
    assert fetch(good.sign_url("GET", "k", 60))[:2] == (200, b"v")  # security-token in the query
    forged = v2_bucket(imm_emulator, "sts-v2", (*STS_KEY[:2], "forged-token"))
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        forged.get_object("k")
    assert (caught.value.status, caught.value.code) == (403, "InvalidSecurityToken")
    status, body, _ = fetch(forged.sign_url("GET", "k", 60))
    assert status == 403 and b"<Code>InvalidSecurityToken</Code>" in body
    bare = v2_bucket(imm_emulator, "sts-v2", STS_KEY[:2])
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        bare.get_object("k")
    assert caught.value.code == "InvalidSecurityToken"


@pytest.mark.parametrize(
    "authorization",
    [
        "OSS2 AccessKeyId:test-access-key-id,AdditionalHeaders:,Signature:c2ln",
        "OSS2 AccessKeyId:test-access-key-id,AdditionalHeaders:range;,Signature:c2ln",
        "OSS2 AdditionalHeaders:range,Signature:c2ln",
        "OSS2 AccessKeyId:test-access-key-id",
        "OSS2 AccessKeyId:test-access-key-id,Signature:c2ln,Extra:1",
    ],
)
def test_malformed_authorization_is_invalid_argument(imm_emulator, authorization: str) -> None:
    response = requests.get(
        f"{imm_emulator.endpoint}/v2-bucket/k", headers={"Authorization": authorization}, timeout=10
    )
    assert response.status_code == 400 and b"<Code>InvalidArgument</Code>" in response.content


def test_skewed_clock_is_request_time_too_skewed() -> None:
    with served() as (_, url), freeze_time("2024-01-01T00:00:00Z"):
        bucket = oss2.Bucket(oss2.AuthV2(*DEFAULT_KEY), url, "skew-bucket", region="cn-hangzhou")
        with pytest.raises(oss2.exceptions.ServerError) as caught:
            bucket.create_bucket()
        assert (caught.value.status, caught.value.code) == (403, "RequestTimeTooSkewed")


def test_auth_off_accepts_any_v2_signature(backend) -> None:
    with Emulator(auth="off", **backend) as emu:
        signed = v2_bucket(emu, "free-v2", ("whoever", "whatever"))
        signed.create_bucket()
        signed.put_object("k", b"v")
        assert signed.get_object("k").read() == b"v"
        assert fetch(signed.sign_url("GET", "k", -1))[:2] == (200, b"v")  # not even the expiry is checked
