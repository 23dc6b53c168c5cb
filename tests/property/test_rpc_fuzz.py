"""Arbitrary parameter names and values, to every action, in the query or a form body: never a 5xx,
always the JSON answer or the IMM error envelope."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imm_emulator.config import EmulatorConfig
from imm_emulator.protocol import schemas
from imm_emulator.runtime import Runtime
from imm_emulator.web.app import create_app

ACTIONS = schemas.operations()
KNOWN_NAMES = sorted({name for op in ACTIONS for name in schemas.load(f"{op}.request")["properties"]})

names = st.one_of(
    st.sampled_from(KNOWN_NAMES), st.text(min_size=1, max_size=20), st.sampled_from(["Tag.1.Key"])
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["True", "false", "TRUE", "", "null", "[", "{}", "[{}]", '[{"Key":"k"}]', "p", "_p-1"]),
    json_values.map(json.dumps),
)


@pytest.fixture(scope="module")
def clients():
    runtimes = [Runtime(EmulatorConfig()), Runtime(EmulatorConfig(auth="off"))]
    yield tuple(create_app(runtime=r).test_client() for r in runtimes)
    for runtime in runtimes:
        runtime.close()


def check(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    body = json.loads(response.get_data(as_text=True))
    assert isinstance(body, dict) and body.get("RequestId")
    if response.status_code >= 400:
        assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    action=st.one_of(
        st.sampled_from(ACTIONS), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)
    ),
    params=st.dictionaries(names, values, max_size=8),
    in_body=st.booleans(),
    method=st.sampled_from(["GET", "POST"]),
)
def test_any_parameters_never_5xx(clients, action: str, params: dict, in_body: bool, method: str) -> None:
    strict, off = clients
    headers = {"x-acs-action": action, "x-acs-version": "2020-09-30"}
    encoded = urlencode(params)
    for client in (off, strict):
        if in_body and method == "POST":
            response = client.post(
                "/", data=encoded, headers=headers, content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client.open("/?" + encoded, method=method, headers=headers)
        check(response)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    headers=st.dictionaries(
        st.sampled_from(
            [
                "Authorization",
                "x-acs-action",
                "x-acs-version",
                "x-acs-date",
                "x-acs-signature-nonce",
                "x-acs-content-sha256",
                "Content-Type",
            ]
        ),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    ),
    query=st.text(max_size=80),
    body=st.binary(max_size=80),
)
def test_any_headers_query_and_body_never_5xx(clients, headers: dict, query: str, body: bytes) -> None:
    strict, off = clients
    for client in (off, strict):
        check(client.post("/?" + query, data=body, headers=headers))
