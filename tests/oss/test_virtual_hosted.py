"""Virtual-hosted-style OSS: the bucket in the Host header (``<bucket>.oss-<region>.aliyuncs.com:PORT``,
``<bucket>.localhost:PORT``), as OSS clients send by default with a region endpoint, beside path style.

Those names do not resolve to the emulator on a plain machine: the ``resolved`` fixture points them at
127.0.0.1 inside this process, as a hosts entry would (the README shows one)."""

from __future__ import annotations

import socket
import urllib.request

import alibabacloud_oss_v2 as oss
import oss2
import pytest

from tests.helpers import DEFAULT_KEY

PART = 100 * 1024


@pytest.fixture
def resolved(monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.endswith((".localhost", ".aliyuncs.com")):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def region_endpoint(emulator) -> str:
    return f"http://oss-{emulator.region}.aliyuncs.com:{emulator.endpoint.rsplit(':', 1)[1]}"


def exercise(bucket: oss2.Bucket) -> None:
    """Every kind of call a client makes, through one bucket handle."""
    bucket.create_bucket()
    bucket.put_object("dir/a b+c.txt", b"0123456789")
    assert bucket.get_object("dir/a b+c.txt").read() == b"0123456789"
    assert bucket.get_object("dir/a b+c.txt", byte_range=(2, 4)).read() == b"234"
    assert bucket.head_object("dir/a b+c.txt").content_length == 10
    assert [o.key for o in oss2.ObjectIterator(bucket, prefix="dir/")] == ["dir/a b+c.txt"]
    upload = bucket.init_multipart_upload("big.bin").upload_id
    parts = [
        oss2.models.PartInfo(n, bucket.upload_part("big.bin", upload, n, bytes([n]) * PART).etag)
        for n in (1, 2)
    ]
    bucket.complete_multipart_upload("big.bin", upload, parts)
    assert bucket.get_object("big.bin").read() == b"\x01" * PART + b"\x02" * PART
    url = bucket.sign_url("GET", "dir/a b+c.txt", 60)
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"0123456789"
    bucket.delete_object("dir/a b+c.txt")
    bucket.delete_object("big.bin")


@pytest.mark.parametrize("auth", ["v4", "v1"])
def test_oss2_with_the_region_endpoint(imm_emulator, resolved, auth) -> None:
    credentials = oss2.AuthV4(*DEFAULT_KEY) if auth == "v4" else oss2.Auth(*DEFAULT_KEY)
    bucket = oss2.Bucket(credentials, region_endpoint(imm_emulator), "hosted", region=imm_emulator.region)
    exercise(bucket)
    journal = imm_emulator.requests.list(action="PutObject")
    assert journal[0]["host"].startswith(f"hosted.oss-{imm_emulator.region}.aliyuncs.com:")
    path_style = imm_emulator.oss2_bucket("hosted")  # the same bucket, path style
    assert [
        b.name
        for b in oss2.BucketIterator(
            oss2.Service(credentials, imm_emulator.endpoint, region=imm_emulator.region)
        )
    ] == ["hosted"]
    assert path_style.get_bucket_info().name == "hosted"


def test_oss2_with_a_localhost_name(imm_emulator, resolved) -> None:
    port = imm_emulator.endpoint.rsplit(":", 1)[1]
    bucket = oss2.Bucket(oss2.AuthV4(*DEFAULT_KEY), f"http://local.localhost:{port}", "local", is_cname=True,
                         region=imm_emulator.region)  # fmt: skip
    exercise(bucket)


def test_oss_v2_client_with_its_defaults(imm_emulator, resolved) -> None:
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(*DEFAULT_KEY)
    cfg.region = imm_emulator.region
    cfg.endpoint = region_endpoint(imm_emulator)
    client = oss.Client(cfg)  # virtual-hosted style: its default for a region endpoint
    client.put_bucket(oss.PutBucketRequest(bucket="v2-hosted"))
    client.put_object(oss.PutObjectRequest(bucket="v2-hosted", key="k", body=b"hello"))
    got = client.get_object(oss.GetObjectRequest(bucket="v2-hosted", key="k", range_header="bytes=1-3"))
    assert got.body.read() == b"ell"
    listed = client.list_objects_v2(oss.ListObjectsV2Request(bucket="v2-hosted"))
    assert [o.key for o in listed.contents] == ["k"]
    hosts = {entry["host"].split(":")[0] for entry in imm_emulator.requests.list() if "host" in entry}
    assert f"v2-hosted.oss-{imm_emulator.region}.aliyuncs.com" in hosts


def test_a_refused_request_journals_its_host_and_scheme(imm_emulator, resolved) -> None:
    wrong = oss2.Bucket(oss2.Auth(DEFAULT_KEY[0], "wrong"), region_endpoint(imm_emulator), "refused")
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch):
        wrong.create_bucket()
    entry = imm_emulator.requests.list()[-1]
    assert entry["signature"] == "OSS" and entry["host"].startswith("refused.oss-")
    assert entry["code"] == "SignatureDoesNotMatch"
