"""The real oss2 client, with signature v1 and v4, over a real socket."""

from __future__ import annotations

import io
import os

import oss2
import pytest

KEY = "dir/a b+c.txt"


@pytest.fixture(params=["v1", "v4"])
def bucket(request, imm_emulator) -> oss2.Bucket:
    b = imm_emulator.oss2_bucket("test-bucket", signature=request.param)
    b.create_bucket()
    return b


def test_put_get_head_with_metadata_and_crc(bucket: oss2.Bucket) -> None:
    put = bucket.put_object(
        KEY,
        b"hello world",
        headers={"Content-Type": "text/plain", "x-oss-meta-owner": "me", "Cache-Control": "no-cache"},
    )
    assert put.status == 200 and put.etag == "5EB63BBBE01EEED093CB22BB8F5ACDC3"
    expected = oss2.utils.Crc64()
    expected.update(b"hello world")
    assert put.crc == expected.crc  # and oss2 checked the header against its own CRC (enable_crc)
    got = bucket.get_object(KEY)
    assert got.read() == b"hello world"
    assert got.content_type == "text/plain" and got.headers["x-oss-meta-owner"] == "me"
    assert got.headers["Cache-Control"] == "no-cache"
    assert got.headers["x-oss-object-type"] == "Normal"
    head = bucket.head_object(KEY)
    assert head.content_length == 11 and head.etag == put.etag and head.last_modified > 0
    meta = bucket.get_object_meta(KEY)
    assert meta.content_length == 11 and meta.etag == put.etag
    assert bucket.object_exists(KEY) and not bucket.object_exists("missing")


def test_get_object_to_file_checks_crc(bucket: oss2.Bucket, tmp_path) -> None:
    data = os.urandom(300_000)
    bucket.put_object("big.bin", data)
    target = tmp_path / "out.bin"
    bucket.get_object_to_file("big.bin", str(target))
    assert target.read_bytes() == data


def test_range_reads(bucket: oss2.Bucket) -> None:
    bucket.put_object("r", b"0123456789")
    assert bucket.get_object("r", byte_range=(2, 5)).read() == b"2345"
    partial = bucket.get_object("r", byte_range=(7, None))
    assert partial.read() == b"789" and partial.status == 206
    assert partial.headers["Content-Range"] == "bytes 7-9/10"
    assert bucket.get_object("r", byte_range=(None, 3)).read() == b"789"
    # OSS serves the whole object for a range it cannot satisfy, unless asked for standard behaviour.
    assert bucket.get_object("r", byte_range=(20, 30)).read() == b"0123456789"
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        bucket.get_object("r", byte_range=(20, 30), headers={"x-oss-range-behavior": "standard"})
    assert (caught.value.status, caught.value.code) == (416, "InvalidRange")


def test_list_v1_and_v2_paginate(bucket: oss2.Bucket) -> None:
    keys = ["a/1", "a/2", "a/b/3", "b", "c/4"]
    for key in keys:
        bucket.put_object(key, key.encode())
    assert [o.key for o in oss2.ObjectIterator(bucket, max_keys=1)] == keys
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, max_keys=2)] == keys
    top = list(oss2.ObjectIterator(bucket, delimiter="/", max_keys=1))
    assert [(o.key, o.is_prefix()) for o in top] == [("a/", True), ("b", False), ("c/", True)]
    top2 = list(oss2.ObjectIteratorV2(bucket, delimiter="/", max_keys=1))
    assert [o.key for o in top2] == ["a/", "b", "c/"]
    assert [o.key for o in oss2.ObjectIterator(bucket, prefix="a/", delimiter="/")] == ["a/1", "a/2", "a/b/"]
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, start_after="a/2")] == ["a/b/3", "b", "c/4"]
    listed = bucket.list_objects_v2(max_keys=2, fetch_owner=True)
    assert listed.is_truncated and listed.object_list[0].owner is not None
    assert listed.object_list[0].size == 3 and listed.object_list[0].etag


def test_copy_and_delete(bucket: oss2.Bucket) -> None:
    bucket.put_object("src", b"payload", headers={"x-oss-meta-a": "1", "Content-Type": "text/x-a"})
    bucket.copy_object(bucket.bucket_name, "src", "same-meta")
    copied = bucket.get_object("same-meta")
    assert copied.read() == b"payload" and copied.headers["x-oss-meta-a"] == "1"
    assert copied.content_type == "text/x-a"
    bucket.copy_object(
        bucket.bucket_name,
        "src",
        "new-meta",
        headers={"x-oss-metadata-directive": "REPLACE", "x-oss-meta-b": "2"},
    )
    replaced = bucket.head_object("new-meta")
    assert "x-oss-meta-a" not in replaced.headers and replaced.headers["x-oss-meta-b"] == "2"
    assert bucket.delete_object("src").status == 204
    assert bucket.delete_object("src").status == 204  # absent: still 204
    result = bucket.batch_delete_objects(["same-meta", "new-meta", "never-was"])
    assert sorted(result.deleted_keys) == ["never-was", "new-meta", "same-meta"]
    assert list(oss2.ObjectIterator(bucket)) == []


def test_resumable_upload_and_download(bucket: oss2.Bucket, tmp_path) -> None:
    data = os.urandom(350_000)
    source = tmp_path / "upload.bin"
    source.write_bytes(data)
    oss2.resumable_upload(
        bucket,
        "multi.bin",
        str(source),
        multipart_threshold=100 * 1024,
        part_size=100 * 1024,
        num_threads=2,
        store=oss2.ResumableStore(root=str(tmp_path)),
    )
    head = bucket.head_object("multi.bin")
    assert head.content_length == len(data) and head.object_type == "Multipart" and head.etag.endswith("-4")
    assert bucket.get_object("multi.bin").read() == data
    target = tmp_path / "download.bin"
    oss2.resumable_download(
        bucket,
        "multi.bin",
        str(target),
        multiget_threshold=100 * 1024,
        part_size=100 * 1024,
        num_threads=2,
        store=oss2.ResumableDownloadStore(root=str(tmp_path)),
    )
    assert target.read_bytes() == data


def test_multipart_by_hand(bucket: oss2.Bucket) -> None:
    upload_id = bucket.init_multipart_upload("hand.bin", headers={"x-oss-meta-k": "v"}).upload_id
    first, second = os.urandom(100 * 1024), b"tail"
    parts = [
        oss2.models.PartInfo(1, bucket.upload_part("hand.bin", upload_id, 1, first).etag),
        oss2.models.PartInfo(2, bucket.upload_part("hand.bin", upload_id, 2, second).etag),
    ]
    assert [p.part_number for p in bucket.list_parts("hand.bin", upload_id).parts] == [1, 2]
    assert [u.upload_id for u in oss2.MultipartUploadIterator(bucket)] == [upload_id]
    bucket.complete_multipart_upload("hand.bin", upload_id, parts)
    got = bucket.get_object("hand.bin")
    assert got.read() == first + second and got.headers["x-oss-meta-k"] == "v"
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.list_parts("hand.bin", upload_id)


def test_multipart_rejects_small_parts_and_unknown_etags(bucket: oss2.Bucket) -> None:
    upload_id = bucket.init_multipart_upload("small.bin").upload_id
    etags = [bucket.upload_part("small.bin", upload_id, n, b"x" * 10).etag for n in (1, 2)]
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        bucket.complete_multipart_upload(
            "small.bin", upload_id, [oss2.models.PartInfo(n, e) for n, e in zip((1, 2), etags, strict=True)]
        )
    assert caught.value.code == "EntityTooSmall"
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        bucket.complete_multipart_upload("small.bin", upload_id, [oss2.models.PartInfo(1, "0" * 32)])
    assert caught.value.code == "InvalidPart"
    bucket.abort_multipart_upload("small.bin", upload_id)
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.abort_multipart_upload("small.bin", upload_id)


def test_bucket_operations(imm_emulator) -> None:
    service = oss2.Service(
        oss2.AuthV4("test-access-key-id", "test-access-key-secret"),
        imm_emulator.endpoint,
        region="cn-hangzhou",
    )
    b = imm_emulator.oss2_bucket("ops-bucket")
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        b.get_bucket_info()
    b.create_bucket()
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        b.create_bucket()
    assert (caught.value.status, caught.value.code) == (409, "BucketAlreadyExists")
    assert b.get_bucket_info().name == "ops-bucket"
    assert b.get_bucket_location().location == "oss-cn-hangzhou"
    assert [x.name for x in oss2.BucketIterator(service)] == ["ops-bucket"]
    b.put_object("k", b"v")
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        b.delete_bucket()
    assert (caught.value.status, caught.value.code) == (409, "BucketNotEmpty")
    b.delete_object("k")
    b.delete_bucket()
    assert list(oss2.BucketIterator(service)) == []


def test_put_from_stream_and_forbid_overwrite(bucket: oss2.Bucket) -> None:
    bucket.put_object("stream", io.BytesIO(b"streamed bytes"))
    assert bucket.get_object("stream").read() == b"streamed bytes"
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        bucket.put_object("stream", b"again", headers={"x-oss-forbid-overwrite": "true"})
    assert (caught.value.status, caught.value.code) == (409, "FileAlreadyExists")
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        bucket.put_object("md5", b"data", headers={"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg=="})
    assert caught.value.code == "InvalidDigest"
    assert not bucket.object_exists("md5")


def test_presigned_urls(bucket: oss2.Bucket) -> None:
    import requests

    bucket.put_object("signed.txt", b"via url")
    url = bucket.sign_url("GET", "signed.txt", 60)
    assert requests.get(url, timeout=10).content == b"via url"
    expired = bucket.sign_url("GET", "signed.txt", -1)
    response = requests.get(expired, timeout=10)
    assert response.status_code == 403 and b"<Code>AccessDenied</Code>" in response.content
    put_url = bucket.sign_url("PUT", "uploaded.txt", 60)
    assert requests.put(put_url, data=b"put by url", timeout=10).status_code == 200
    assert bucket.get_object("uploaded.txt").read() == b"put by url"
