"""Hostile input: 10,000+ generated requests to the RPC layer and OSS paths, raw malformed HTTP,
signature edge cases and traversal attempts. Zero 5xx, zero tracebacks in answers, and nothing touched
outside the data dir and the mounts."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imm_emulator import Emulator
from imm_emulator.config import EmulatorConfig
from imm_emulator.protocol import schemas
from imm_emulator.runtime import Runtime
from imm_emulator.web.app import create_app

CASES = int(os.environ.get("IMM_HOSTILE_CASES", "5000"))
ACTIONS = list(schemas.operations())
junk = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
raw_text = st.text(
    st.characters(min_codepoint=1, max_codepoint=0x10FFFF, exclude_categories=("Cs",)), max_size=80
)


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "outside").mkdir()
    (root / "outside" / "secret.txt").write_text("TOP-SECRET-CONTENT")
    (root / "mount").mkdir()
    (root / "mount" / "a.txt").write_text("mounted")
    (root / "mount" / "escape").symlink_to(root / "outside", target_is_directory=True)
    before = tree(root / "outside")
    runtimes = [
        Runtime(
            EmulatorConfig(
                auth=auth,
                data_dir=str(root / f"data-{auth}"),
                task_duration="instant",
                mounts=[f"mnt={root / 'mount'}:rw"],
            )
        )
        for auth in ("off", "strict")
    ]
    clients = [create_app(runtime=r).test_client() for r in runtimes]
    yield root, clients
    for runtime in runtimes:
        runtime.close()
    assert tree(root / "outside") == before, "a file outside the data dir and mounts changed"
    assert sorted(p.name for p in root.iterdir()) == ["data-off", "data-strict", "mount", "outside"]


def check(response) -> None:
    assert response.status_code < 500, response.get_data()[:300]
    assert b"Traceback" not in response.get_data()


@pytest.mark.hostile
@settings(max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    action=st.one_of(st.sampled_from(ACTIONS), junk),
    params=st.dictionaries(
        st.one_of(
            junk,
            st.sampled_from(
                [
                    "Timestamp",
                    "Signature",
                    "AccessKeyId",
                    "SignatureMethod",
                    "SignatureNonce",
                    "NextToken",
                    "MaxResults",
                    "x-oss-signature",
                ]
            ),
        ),
        st.one_of(
            junk, st.sampled_from(["2024-13-45T99:99:99Z", "2024-02-30T00:00:00Z", "²", "١٢", "HMAC-SHA1"])
        ),
        max_size=6,
    ),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "x-acs-version",
                "x-acs-date",
                "Authorization",
                "x-acs-signature-nonce",
                "x-acs-content-sha256",
                "Content-Type",
            ]
        ),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
    ),
    body=st.binary(max_size=200),
    method=st.sampled_from(["GET", "POST"]),
)
def test_rpc_layer(world, action, params, headers, body, method) -> None:
    _, clients = world
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
    safe_action = quote(action, safe="")
    for client in clients:
        response = client.open(
            f"/?Action={safe_action}&Version=2020-09-30&{query}", method=method, headers=headers, data=body
        )
        check(response)
        assert response.is_json


@pytest.mark.hostile
@settings(max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    method=st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE"]),
    bucket=st.one_of(
        st.sampled_from(["mnt", "bkt-1", "ab"]),
        st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20).filter(
            lambda b: not set(b) & set("/?#%")
        ),
    ),
    key=st.lists(
        st.one_of(
            raw_text,
            st.sampled_from(["..", ".", "escape", "%2e%2e", "%2F", "%00", "%ff%fe", "..%5c..", "a b"]),
        ),
        max_size=5,
    ).map("/".join),
    query=st.sampled_from(
        [
            "",
            "?uploads",
            "?uploadId=x&partNumber=1",
            "?delete",
            "?list-type=2&max-keys=x",
            "?objectMeta",
            "?acl",
            "?encoding-type=url&prefix=%ff",
        ]
    ),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "Range",
                "x-oss-copy-source",
                "Content-MD5",
                "Authorization",
                "x-oss-date",
                "Date",
                "x-oss-meta-a",
            ]
        ),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    ),
    body=st.binary(max_size=100),
)
def test_oss_paths(world, method, bucket, key, query, headers, body) -> None:
    _, clients = world
    path = "/" + quote(bucket, safe="") + "/" + quote(key, safe="/%") + query
    for client in clients:
        client.put("/bkt-1")
        check(client.open(path, method=method, headers=headers, data=body))


def send_raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


RAW = [
    b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * 70000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: 1\r\n" % i for i in range(200)) + b"\r\n",
    b"POST /?Action=ListProjects&Version=2020-09-30 HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
    b"POST /?Action=%ZZ%&Version=%E0%80 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    b"GET /bkt/\xff\xfe\x00key HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /bkt/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"PUT /bkt/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbroken\r\n",
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: ACS3-HMAC-SHA256 Credential=\r\n\r\n",
    b"GET /mnt/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /mnt/escape/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
    b"PUT /mnt/escape/planted.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nbad",
]


@pytest.mark.hostile
def test_malformed_http_over_a_socket(tmp_path) -> None:
    (tmp_path / "mount").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("TOP-SECRET-CONTENT")
    (tmp_path / "mount" / "escape").symlink_to(tmp_path / "outside", target_is_directory=True)
    with Emulator(
        auth="off", data_dir=str(tmp_path / "data"), mounts=[f"mnt={tmp_path / 'mount'}:rw"]
    ) as emu:
        for request in RAW:
            answer = send_raw(emu.port, request)
            status = answer.split(b" ", 2)[1] if answer.startswith(b"HTTP/") else b""
            assert not status.startswith(b"5"), (request[:80], answer[:200])
            assert b"Traceback" not in answer and b"TOP-SECRET" not in answer and b"root:" not in answer
            body = answer.partition(b"\r\n\r\n")[2]
            # an IMM JSON envelope or an OSS XML error, also for what the HTTP server refuses itself
            assert not body or body.startswith(b'{"RequestId"') or body.startswith(b"<?xml"), answer[:300]
        assert [p.name for p in (tmp_path / "outside").iterdir()] == ["secret.txt"]
        assert send_raw(emu.port, b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n").startswith(
            b"HTTP/1.1 200"
        )


@pytest.mark.hostile
def test_signature_edge_cases(imm_emulator) -> None:
    """Replay, skew, wrong scope and truncated Authorization headers, for IMM and OSS."""
    from alibabacloud_imm20200930 import models as m
    from alibabacloud_tea_openapi import utils as tea_utils
    from alibabacloud_tea_openapi.exceptions import ClientException

    client = imm_emulator.client()
    original = tea_utils.Utils.get_nonce
    tea_utils.Utils.get_nonce = staticmethod(lambda: "replayed-nonce")
    try:
        client.list_projects(m.ListProjectsRequest())
        with pytest.raises(ClientException) as caught:
            client.list_projects(m.ListProjectsRequest())
        assert caught.value.code == "SignatureNonceUsed"
    finally:
        tea_utils.Utils.get_nonce = original
    import requests

    base = imm_emulator.endpoint
    date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    v4 = "OSS4-HMAC-SHA256 Credential=test-access-key-id"
    for authorization in (
        f"{v4}/19990101/cn-hangzhou/oss/aliyun_v4_request,Signature=00",  # scope of another day
        f"{v4}/cn-hangzhou/oss,Signature=00",  # truncated scope
        f"{v4}/{date[:8]}/cn-hangzhou/oss/aliyun_v4_request,Signature=",  # empty signature
        "OSS4-HMAC-SHA256",
        "OSS test-access-key-id",
        "OSS :",
        "ACS3-HMAC-SHA256 Credential=test-access-key-id,SignedHeaders=x-acs-date,Signature=zz",
    ):
        response = requests.get(
            f"{base}/bkt/k", headers={"Authorization": authorization, "x-oss-date": date}, timeout=10
        )
        assert response.status_code in (400, 403), (authorization, response.status_code)
        assert b"Traceback" not in response.content
    stale = requests.get(
        f"{base}/bkt/k",
        timeout=10,
        headers={"Authorization": "OSS test-access-key-id:AAAA", "Date": "Mon, 01 Jan 2001 00:00:00 GMT"},
    )
    assert stale.status_code == 403 and b"RequestTimeTooSkewed" in stale.content
