"""Awkward keys round-trip through both clients, and listings encode them as OSS does."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import alibabacloud_oss_v2 as oss
import oss2
import pytest
import requests

from imm_emulator import Emulator

KEYS = [
    "with space.txt",
    "plus+sign",
    "percent%20literal",
    "100%",
    "unicode/视频/naïve ☃.mp4",
    "deep/a/b/c/d.txt",
    "double//slash",
    "trailing/",
    "question?mark#hash",
    "tilde~star*&amp=;,",
    "k" * 1023,
]


@pytest.mark.parametrize("signature", ["v1", "v4"])
def test_keys_round_trip_oss2(imm_emulator, signature: str) -> None:
    bucket = imm_emulator.oss2_bucket("keys", signature=signature)
    bucket.create_bucket()
    for key in KEYS:
        bucket.put_object(key, key.encode())
    for key in KEYS:
        assert bucket.get_object(key).read() == key.encode(), key
        assert bucket.object_exists(key)
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, max_keys=3)] == sorted(KEYS)
    assert [o.key for o in oss2.ObjectIterator(bucket, max_keys=4)] == sorted(KEYS)


def test_keys_round_trip_oss_v2(imm_emulator) -> None:
    client = imm_emulator.oss_client()
    client.put_bucket(oss.PutBucketRequest(bucket="keys"))
    for key in KEYS:
        client.put_object(oss.PutObjectRequest(bucket="keys", key=key, body=key.encode()))
    for key in KEYS:
        assert client.get_object(oss.GetObjectRequest(bucket="keys", key=key)).body.read() == key.encode(), (
            key
        )
    pages = client.list_objects_v2_paginator().iter_page(oss.ListObjectsV2Request(bucket="keys", max_keys=3))
    assert [o.key for page in pages for o in page.contents] == sorted(KEYS)


def test_invalid_keys_and_bucket_names_are_refused(backend) -> None:
    with Emulator(auth="off", **backend) as emu:
        emu.put_object("bkt", "ok", b"1")
        for path in (
            "/bkt/%2Fleading",
            "/bkt/" + "k" * 1024,
            "/bkt/bad%FFutf8",
            "/bkt/nul%00byte",
            "/bkt/%5Cback",
        ):
            response = requests.put(emu.endpoint + path, data=b"x", timeout=10)
            assert response.status_code == 400, path
            assert b"<Code>InvalidObjectName</Code>" in response.content, path
        for name in ("ab", "Upper", "under_score", "-dash", "x" * 64):
            response = requests.put(f"{emu.endpoint}/{name}", timeout=10)
            assert response.status_code == 400 and b"<Code>InvalidBucketName</Code>" in response.content, name


def test_listing_with_url_encoding_is_exact(backend) -> None:
    with Emulator(auth="off", **backend) as emu:
        for key in ("dir/a b+c.txt", "dir/sub/x", "视频.mp4"):
            emu.put_object("enc", key, b"x")
        raw = requests.get(
            f"{emu.endpoint}/enc/?list-type=2&delimiter=%2F&prefix=dir%2F&encoding-type=url", timeout=10
        ).content
        root = ET.fromstring(raw)
        assert root.findtext("EncodingType") == "url"
        assert root.findtext("Prefix") == "dir%2F" and root.findtext("Delimiter") == "%2F"
        assert [c.findtext("Key") for c in root.iter("Contents")] == ["dir%2Fa%20b%2Bc.txt"]
        assert [p.findtext("Prefix") for p in root.iter("CommonPrefixes")] == ["dir%2Fsub%2F"]
        plain = ET.fromstring(requests.get(f"{emu.endpoint}/enc/?list-type=2", timeout=10).content)
        assert [c.findtext("Key") for c in plain.iter("Contents")] == [
            "dir/a b+c.txt",
            "dir/sub/x",
            "视频.mp4",
        ]
        assert plain.find("EncodingType") is None
        item = next(plain.iter("Contents"))
        assert item.findtext("LastModified").endswith(".000Z")
        assert [child.tag for child in item] == [
            "Key",
            "LastModified",
            "ETag",
            "Type",
            "Size",
            "StorageClass",
        ]
