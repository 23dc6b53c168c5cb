"""The real alibabacloud-oss-v2 client (signature v4, and v1) over a real socket."""

from __future__ import annotations

import os

import alibabacloud_oss_v2 as oss
import pytest


@pytest.fixture(params=["v4", "v1"])
def client(request, imm_emulator) -> oss.Client:
    c = imm_emulator.oss_client(signature_version=request.param)
    c.put_bucket(oss.PutBucketRequest(bucket="v2-bucket"))
    return c


def test_oss_client_fixture_is_a_working_v4_client(oss_client) -> None:
    oss_client.put_bucket(oss.PutBucketRequest(bucket="fixture-bucket"))
    oss_client.put_object(oss.PutObjectRequest(bucket="fixture-bucket", key="k", body=b"v"))
    assert oss_client.get_object(oss.GetObjectRequest(bucket="fixture-bucket", key="k")).body.read() == b"v"


def test_put_get_head_metadata_crc(client: oss.Client) -> None:
    put = client.put_object(
        oss.PutObjectRequest(
            bucket="v2-bucket",
            key="dir/a b+c.txt",
            body=b"hello v2",
            metadata={"owner": "me"},
            content_type="text/plain",
        )
    )
    assert put.status_code == 200 and put.etag == '"8542826A2140ED720CED048317133643"'
    assert put.hash_crc64  # the client compared it with its own CRC and did not raise
    got = client.get_object(oss.GetObjectRequest(bucket="v2-bucket", key="dir/a b+c.txt"))
    assert got.body.read() == b"hello v2" and got.metadata == {"owner": "me"}
    assert got.content_type == "text/plain" and got.content_length == 8
    head = client.head_object(oss.HeadObjectRequest(bucket="v2-bucket", key="dir/a b+c.txt"))
    assert head.content_length == 8 and head.etag == put.etag and head.object_type == "Normal"
    meta = client.get_object_meta(oss.GetObjectMetaRequest(bucket="v2-bucket", key="dir/a b+c.txt"))
    assert meta.content_length == 8
    assert client.is_object_exist("v2-bucket", "dir/a b+c.txt")
    assert not client.is_object_exist("v2-bucket", "missing")


def test_range_and_errors(client: oss.Client) -> None:
    client.put_object(oss.PutObjectRequest(bucket="v2-bucket", key="r", body=b"0123456789"))
    part = client.get_object(oss.GetObjectRequest(bucket="v2-bucket", key="r", range_header="bytes=3-4"))
    assert part.body.read() == b"34" and part.content_range == "bytes 3-4/10"
    with pytest.raises(oss.exceptions.OperationError) as caught:
        client.get_object(oss.GetObjectRequest(bucket="v2-bucket", key="missing"))
    error = caught.value.unwrap()
    assert (error.status_code, error.code) == (404, "NoSuchKey") and error.request_id and error.ec
    with pytest.raises(oss.exceptions.OperationError) as caught:
        client.head_object(oss.HeadObjectRequest(bucket="v2-bucket", key="missing"))
    assert caught.value.unwrap().code == "NoSuchKey"  # read from x-oss-err: HEAD has no body
    with pytest.raises(oss.exceptions.OperationError) as caught:
        client.get_object(oss.GetObjectRequest(bucket="no-such-bucket", key="k"))
    assert caught.value.unwrap().code == "NoSuchBucket"


def test_list_v1_v2_paginators(client: oss.Client) -> None:
    keys = ["a/1", "a/2", "a/b/3", "b", "c/4"]
    for key in keys:
        client.put_object(oss.PutObjectRequest(bucket="v2-bucket", key=key, body=key.encode()))
    pages = client.list_objects_v2_paginator().iter_page(
        oss.ListObjectsV2Request(bucket="v2-bucket", max_keys=2)
    )
    assert [o.key for page in pages for o in page.contents] == keys
    pages = client.list_objects_paginator().iter_page(oss.ListObjectsRequest(bucket="v2-bucket", max_keys=1))
    assert [o.key for page in pages for o in page.contents] == keys
    top = client.list_objects_v2(oss.ListObjectsV2Request(bucket="v2-bucket", delimiter="/"))
    assert [p.prefix for p in top.common_prefixes] == ["a/", "c/"] and [o.key for o in top.contents] == ["b"]


def test_copy_delete_and_batch_delete(client: oss.Client) -> None:
    client.put_object(oss.PutObjectRequest(bucket="v2-bucket", key="src", body=b"x", metadata={"a": "1"}))
    client.copy_object(
        oss.CopyObjectRequest(bucket="v2-bucket", key="dst", source_bucket="v2-bucket", source_key="src")
    )
    assert client.get_object(oss.GetObjectRequest(bucket="v2-bucket", key="dst")).metadata == {"a": "1"}
    assert client.delete_object(oss.DeleteObjectRequest(bucket="v2-bucket", key="src")).status_code == 204
    assert client.delete_object(oss.DeleteObjectRequest(bucket="v2-bucket", key="src")).status_code == 204
    result = client.delete_multiple_objects(
        oss.DeleteMultipleObjectsRequest(
            bucket="v2-bucket", objects=[oss.DeleteObject(key="dst"), oss.DeleteObject(key="ghost")]
        )
    )
    assert sorted(d.key for d in result.deleted_objects) == ["dst", "ghost"]


def test_uploader_and_downloader_multipart(client: oss.Client, tmp_path) -> None:
    data = os.urandom(450_000)
    source = tmp_path / "up.bin"
    source.write_bytes(data)
    uploader = client.uploader(part_size=100 * 1024, parallel_num=2, leave_parts_on_error=False)
    result = uploader.upload_file(
        oss.PutObjectRequest(bucket="v2-bucket", key="multi.bin"), filepath=str(source)
    )
    assert result.status_code == 200
    head = client.head_object(oss.HeadObjectRequest(bucket="v2-bucket", key="multi.bin"))
    assert head.content_length == len(data) and head.object_type == "Multipart"
    target = tmp_path / "down.bin"
    downloader = client.downloader(part_size=100 * 1024, parallel_num=2)
    downloader.download_file(oss.GetObjectRequest(bucket="v2-bucket", key="multi.bin"), filepath=str(target))
    assert target.read_bytes() == data


def test_multipart_api(client: oss.Client) -> None:
    init = client.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket="v2-bucket", key="m"))
    first = os.urandom(100 * 1024)
    etags = [
        client.upload_part(
            oss.UploadPartRequest(
                bucket="v2-bucket", key="m", upload_id=init.upload_id, part_number=n, body=body
            )
        ).etag
        for n, body in ((1, first), (2, b"end"))
    ]
    listed = client.list_parts(oss.ListPartsRequest(bucket="v2-bucket", key="m", upload_id=init.upload_id))
    assert [p.part_number for p in listed.parts] == [1, 2]
    client.complete_multipart_upload(
        oss.CompleteMultipartUploadRequest(
            bucket="v2-bucket",
            key="m",
            upload_id=init.upload_id,
            complete_multipart_upload=oss.CompleteMultipartUpload(
                parts=[
                    oss.UploadPart(part_number=1, etag=etags[0]),
                    oss.UploadPart(part_number=2, etag=etags[1]),
                ]
            ),
        )
    )
    assert client.get_object(oss.GetObjectRequest(bucket="v2-bucket", key="m")).body.read() == first + b"end"
