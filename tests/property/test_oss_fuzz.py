"""Arbitrary OSS paths, queries and headers: never a 5xx, never a traceback; errors are OSS XML."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imm_emulator.config import EmulatorConfig
from imm_emulator.runtime import Runtime
from imm_emulator.web.app import create_app

printable = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
segments = st.lists(
    st.one_of(printable, st.sampled_from(["..", ".", "%2F", "%2E%2E", "%00", "%FF", "a b", "视频"])),
    max_size=5,
)


@pytest.fixture(scope="module")
def clients():
    runtimes = [Runtime(EmulatorConfig(auth="off")), Runtime(EmulatorConfig())]
    yield [create_app(runtime=r).test_client() for r in runtimes]
    for runtime in runtimes:
        runtime.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE"]),
    bucket=st.one_of(
        st.sampled_from(["fuzz-bucket", "ab", "Bad_Name"]),
        printable.filter(lambda b: b and not set(b) & set("/?#")),
    ),
    key=segments.map("/".join),
    query=st.dictionaries(
        st.sampled_from(
            [
                "uploads",
                "uploadId",
                "partNumber",
                "delete",
                "list-type",
                "max-keys",
                "marker",
                "prefix",
                "delimiter",
                "encoding-type",
                "acl",
                "objectMeta",
                "continuation-token",
                "x-oss-process",
            ]
        ),
        printable,
        max_size=4,
    ),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "Range",
                "x-oss-copy-source",
                "Content-MD5",
                "x-oss-meta-a",
                "Authorization",
                "x-oss-forbid-overwrite",
                "x-oss-complete-all",
            ]
        ),
        printable,
        max_size=3,
    ),
    body=st.binary(max_size=64),
)
def test_oss_never_5xx(clients, method, bucket, key, query, headers, body) -> None:
    from urllib.parse import urlencode

    for client in clients:
        client.put("/fuzz-bucket")
        path = f"/{bucket}/{key}" + ("?" + urlencode(query) if query else "")
        response = client.open(path, method=method, headers=headers, data=body)
        assert response.status_code < 500, (path, response.data)
        if response.status_code >= 400 and method != "HEAD":
            assert response.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error>'), response.data
