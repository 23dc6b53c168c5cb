"""Every signature algorithm the official SDKs can be configured with, through the real clients over a
socket. ACS3-HMAC-SM3 (tea-openapi ``signature_algorithm``) and ACS4-HMAC-SHA256 / ACS4-HMAC-SM3
(``signature_version="v4"`` with a POP gateway client) are verified as ACS3-HMAC-SHA256 is; what the
emulator cannot verify (ACS3-RSA-SHA256, bearer tokens) answers InvalidSignatureMethod saying why, not
MissingAccessKeyId."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from alibabacloud_gateway_spi.client import Client as SPIClient
from alibabacloud_imm20200930 import models as m
from alibabacloud_imm20200930.client import Client as ImmClient
from alibabacloud_tea_openapi import utils_models
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.models import Config
from alibabacloud_tea_openapi.sm3 import Sm3, hash_sm3
from alibabacloud_tea_openapi.utils import Utils
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from darabonba.exceptions import ResponseException
from darabonba.runtime import RuntimeOptions
from darabonba.utils.stream import Stream

from imm_emulator import Emulator
from imm_emulator.protocol import signatures
from tests.helpers import DEFAULT_KEY, STS_KEY, rpc_params

SM3 = "ACS3-HMAC-SM3"
V4 = ("ACS4-HMAC-SHA256", "ACS4-HMAC-SM3")
DESCRIPTION = "Ünïcödé 描述 ✓ *~ +&="
TAGS = [m.CreateProjectRequestTag(key="ключ", value="值 ✓")]
needs_sm3 = pytest.mark.skipif(
    not signatures.digest_available("sm3"), reason="this Python's OpenSSL has no SM3"
)


# --- gateway-pop's ACS4 signer, transcribed (alibabacloud-gateway-pop is not a dependency) ----------
def _hash(algorithm: str, data: bytes) -> bytes:
    """SM3 from tea-openapi's pure-Python implementation: independent of the OpenSSL the emulator uses."""
    return hash_sm3(data) if algorithm.endswith("SM3") else hashlib.sha256(data).digest()


def _hmac(key: bytes, message: str, algorithm: str) -> bytes:
    return hmac.new(key, message.encode(), Sm3 if algorithm.endswith("SM3") else hashlib.sha256).digest()


def pop_authorization(
    method: str,
    query: dict[str, str] | None,
    headers: dict[str, str],
    algorithm: str,
    payload: str,
    credential: tuple[str, str],
    scope: tuple[str, str, str],
) -> str:
    """gateway-pop ``get_authorization``: scope is (yyyymmdd, region, product)."""
    signed = sorted(
        {
            k.lower()
            for k in headers
            if k.lower().startswith("x-acs-") or k.lower() in ("host", "content-type")
        }
    )
    values = {k.lower(): str(v).strip() for k, v in headers.items()}
    query = query or {}
    canonical_query = "&".join(
        f"{quote(k, safe='~')}={quote(query[k], safe='~') if query[k] else ''}" for k in sorted(query)
    )
    canonical_headers = "".join(f"{name}:{values[name]}\n" for name in signed)
    canonical = f"{method}\n/\n{canonical_query}\n{canonical_headers}\n{';'.join(signed)}\n{payload}"
    string_to_sign = f"{algorithm}\n{_hash(algorithm, canonical.encode()).hex()}"
    key = f"aliyun_v4{credential[1]}".encode()
    for part in (*scope, "aliyun_v4_request"):
        key = _hmac(key, part, algorithm)
    signature = _hmac(key, string_to_sign, algorithm).hex()
    return (
        f"{algorithm} Credential={credential[0]}/{'/'.join(scope)}/aliyun_v4_request,"
        f"SignedHeaders={';'.join(signed)},Signature={signature}"
    )


class PopV4Gateway(SPIClient):
    """The POP gateway client a v4 SDK sets (gateway-pop 0.1.3 ``modify_request`` for an AK credential):
    the tea-openapi client calls it for every request when ``signature_version`` is ``v4``."""

    def modify_configuration(self, context: Any, attribute_map: Any) -> None:
        """The endpoint stays the configured one, as gateway-pop keeps an explicit endpoint."""

    def modify_request(self, context: Any, attribute_map: Any) -> None:
        request, config = context.request, context.configuration
        date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        request.headers = {
            "host": config.endpoint,
            "x-acs-version": request.version,
            "user-agent": request.user_agent,
            "x-acs-date": date,
            "x-acs-signature-nonce": uuid.uuid4().hex,
            "accept": "application/json",
            **request.headers,
            "x-acs-action": request.action,
        }
        algorithm = request.signature_algorithm or V4[0]
        body = b""
        if request.body is not None:
            request.stream = Utils.to_form(request.body)
            body = request.stream.encode()
            request.headers["content-type"] = "application/x-www-form-urlencoded"
        payload = _hash(algorithm, body).hex()
        request.headers["x-acs-content-sm3" if algorithm.endswith("SM3") else "x-acs-content-sha256"] = (
            payload
        )
        credential = request.credential.get_credential()
        if credential.security_token:
            request.headers["x-acs-accesskey-id"] = credential.access_key_id
            request.headers["x-acs-security-token"] = credential.security_token
        # gateway-pop: region_id, else the region in the endpoint's host ("center" for 127.0.0.1:port)
        scope = (date[:10].replace("-", ""), config.region_id or "center", request.product_id)
        request.headers["Authorization"] = pop_authorization(
            request.method,
            request.query,
            request.headers,
            algorithm,
            payload,
            (credential.access_key_id, credential.access_key_secret),
            scope,
        )

    def modify_response(self, context: Any, attribute_map: Any) -> None:
        response = context.response
        answer = Stream.read_as_json(response.body)
        if response.status_code >= 400:
            raise ResponseException(
                code=answer.get("Code"),
                message=answer.get("Message"),
                status_code=response.status_code,
                data=answer,
            )
        response.deserialized_body = answer


def v4_client(
    imm_emulator: Any, *key: str, algorithm: str | None = None, product: str = "imm", **config: Any
):
    """The real IMM client signing v4: IMM's generated client names no product nor gateway, so set both
    as a v4 product's generated client does in its constructor."""
    if algorithm:
        config["signature_algorithm"] = algorithm
    client: ImmClient = imm_emulator.client(*key, signature_version="v4", **config)
    client.set_gateway_client(PopV4Gateway())
    client._product_id = product
    return client


def form_call(
    imm_emulator: Any, action: str, body: dict[str, str], gateway: SPIClient | None = None, **config: Any
) -> dict:
    """An RPC call whose parameters travel in a form body (IMM's client puts them in the query)."""
    settings = {"endpoint": imm_emulator.address, "protocol": "http", "region_id": imm_emulator.region}
    client = OpenApiClient(
        Config(access_key_id=DEFAULT_KEY[0], access_key_secret=DEFAULT_KEY[1], **settings, **config)
    )
    if config.get("signature_version") == "v4":
        client.set_gateway_client(gateway or PopV4Gateway())
        client._product_id = "imm"
    return client.call_api(rpc_params(action), utils_models.OpenApiRequest(body=body), RuntimeOptions())


def refused(code: str, call: Callable[[], object]) -> ResponseException:
    with pytest.raises(ResponseException) as caught:
        call()
    assert (caught.value.code, caught.value.status_code) == (code, 400), caught.value.data
    return caught.value


def round_trip(client: ImmClient, name: str) -> None:
    """Create, read and list a project with unicode in the query (description, tags, prefix)."""
    client.create_project(m.CreateProjectRequest(project_name=name, description=DESCRIPTION, tag=TAGS))
    project = client.get_project(m.GetProjectRequest(project_name=name)).body.project
    assert (project.description, project.tags[0].tag_value) == (DESCRIPTION, "值 ✓")
    listed = client.list_projects(m.ListProjectsRequest(prefix=name, tag=TAGS)).body.projects
    assert [p.project_name for p in listed] == [name]


def last_signature(imm_emulator: Any) -> tuple[str, bool]:
    entry = imm_emulator.requests.list()[-1]
    return entry["signature"], entry["verified"]


# --- ACS3-HMAC-SM3 ----------------------------------------------------------------------------------
@needs_sm3
def test_sm3_signed_calls_are_verified(imm_emulator) -> None:
    round_trip(imm_emulator.client(signature_algorithm=SM3), "sm3-project")
    assert last_signature(imm_emulator) == (SM3, True)


@needs_sm3
def test_sm3_signs_a_unicode_form_body(imm_emulator) -> None:
    form_call(
        imm_emulator,
        "CreateProject",
        {"ProjectName": "sm3-form", "Description": DESCRIPTION},
        signature_algorithm=SM3,
    )
    project = imm_emulator.client().get_project(m.GetProjectRequest(project_name="sm3-form")).body.project
    assert project.description == DESCRIPTION


@needs_sm3
def test_sm3_with_a_wrong_secret_does_not_match(imm_emulator) -> None:
    client = imm_emulator.client(DEFAULT_KEY[0], "not-the-secret", signature_algorithm=SM3)
    error = refused("SignatureDoesNotMatch", lambda: client.list_projects(m.ListProjectsRequest()))
    assert f"server string to sign is:{SM3}\n" in error.data["Message"]


@needs_sm3
def test_sm3_checks_the_security_token(imm_emulator) -> None:
    ak, secret, token = STS_KEY
    good = imm_emulator.client(ak, secret, security_token=token, signature_algorithm=SM3)
    assert good.list_projects(m.ListProjectsRequest()).status_code == 200
    wrong = imm_emulator.client(ak, secret, security_token="stolen", signature_algorithm=SM3)
    refused(
        "InvalidSecurityToken.MismatchWithAccessKey", lambda: wrong.list_projects(m.ListProjectsRequest())
    )


def test_sm3_without_sm3_in_openssl_says_so(imm_emulator, monkeypatch) -> None:
    if imm_emulator.shared:
        pytest.skip("patches the in-process emulator")
    monkeypatch.setattr(signatures, "digest_available", lambda name: False)
    client = imm_emulator.client(signature_algorithm=SM3)
    error = refused("InvalidSignatureMethod", lambda: client.list_projects(m.ListProjectsRequest()))
    assert "SM3" in error.data["Message"] and "OpenSSL" in error.data["Message"]


# --- what cannot be verified ------------------------------------------------------------------------
def test_rsa_signature_answers_invalid_signature_method(imm_emulator) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    client = imm_emulator.client(DEFAULT_KEY[0], pem, signature_algorithm="ACS3-RSA-SHA256")
    error = refused("InvalidSignatureMethod", lambda: client.list_projects(m.ListProjectsRequest()))
    assert "ACS3-RSA-SHA256" in error.data["Message"] and "public key" in error.data["Message"]


def test_bearer_token_answers_invalid_signature_method(imm_emulator) -> None:
    config = Config(
        bearer_token="a-token", endpoint=imm_emulator.address, protocol="http", region_id=imm_emulator.region
    )
    client = ImmClient(config)
    error = refused("InvalidSignatureMethod", lambda: client.list_projects(m.ListProjectsRequest()))
    assert "BEARERTOKEN" in error.data["Message"]


# --- ACS4 (signature_version v4) --------------------------------------------------------------------
GOLDEN_BODY = b"ProjectName=p%C3%BC&Description=%E6%8F%8F%E8%BF%B0"
GOLDEN = {  # alibabacloud-gateway-pop 0.1.3 Client().get_authorization on the inputs of the test below
    "ACS4-HMAC-SHA256": (
        "25a6214f3ff8e8c94af804ae566dd21104c9901921055eb2de28ea2cfc2fa751",
        "30a68452e8c77ae86918fca0a0e3a8f100431c2e5f45765c10118be905125300",
    ),
    "ACS4-HMAC-SM3": (
        "0963fcaee19b0770c7da49dae0f05ba14518817265074a003f29da5c3a667f0f",
        "8e0ad42d47f17e7d9e236489c0b7590f424ddf2247b5fdd0282f970c46e23983",
    ),
}


@pytest.mark.parametrize("algorithm", V4)
def test_the_transcribed_gateway_signs_as_gateway_pop(algorithm: str) -> None:
    payload, signature = GOLDEN[algorithm]
    assert _hash(algorithm, GOLDEN_BODY).hex() == payload
    headers = {
        "host": "127.0.0.1:8080",
        "x-acs-version": "2020-09-30",
        "user-agent": "ua",
        "x-acs-date": "2024-01-01T00:00:00Z",
        "x-acs-signature-nonce": "0123456789abcdef",
        "accept": "application/json",
        "x-acs-action": "CreateProject",
        "content-type": "application/x-www-form-urlencoded",
        "x-acs-content-sm3" if algorithm.endswith("SM3") else "x-acs-content-sha256": payload,
    }
    query = {"Tag": "ünï ✓*", "Empty": ""}
    scope = ("20240101", "cn-hangzhou", "imm")
    signed = (
        f"content-type;host;x-acs-action;{list(headers)[-1]};x-acs-date;x-acs-signature-nonce;x-acs-version"
    )
    assert pop_authorization("POST", query, headers, algorithm, payload, DEFAULT_KEY, scope) == (
        f"{algorithm} Credential={DEFAULT_KEY[0]}/20240101/cn-hangzhou/imm/aliyun_v4_request,"
        f"SignedHeaders={signed},Signature={signature}"
    )


@pytest.mark.parametrize("algorithm", V4)
def test_v4_signed_calls_are_verified(imm_emulator, algorithm: str) -> None:
    if algorithm.endswith("SM3") and not signatures.digest_available("sm3"):
        pytest.skip("this Python's OpenSSL has no SM3")
    name = f"v4-{algorithm[-3:].lower()}"
    client = v4_client(imm_emulator, algorithm=algorithm)
    round_trip(client, name)
    assert last_signature(imm_emulator) == (algorithm, True)
    body = {"ProjectName": name, "Description": "∂ 新"}
    form_call(imm_emulator, "UpdateProject", body, signature_version="v4", signature_algorithm=algorithm)
    assert last_signature(imm_emulator) == (algorithm, True)
    assert client.get_project(m.GetProjectRequest(project_name=name)).body.project.description == "∂ 新"


class BodySwappingGateway(PopV4Gateway):
    """Signs one body and sends another: the signed payload hash must catch it."""

    def modify_request(self, context: Any, attribute_map: Any) -> None:
        super().modify_request(context, attribute_map)
        context.request.stream = context.request.stream.replace("kept", "gone")


@pytest.mark.parametrize("algorithm", V4)
def test_v4_body_must_match_its_signed_hash(imm_emulator, algorithm: str) -> None:
    if algorithm.endswith("SM3") and not signatures.digest_available("sm3"):
        pytest.skip("this Python's OpenSSL has no SM3")
    error = refused(
        "SignatureDoesNotMatch",
        lambda: form_call(
            imm_emulator,
            "CreateProject",
            {"ProjectName": "kept"},
            BodySwappingGateway(),
            signature_version="v4",
            signature_algorithm=algorithm,
        ),
    )
    assert signatures.content_hash_header(algorithm) in error.data["Message"]
    assert imm_emulator.client().list_projects(m.ListProjectsRequest()).body.projects == []


def test_v4_without_a_region_signs_for_center(imm_emulator) -> None:
    """A local endpoint has no region in its host: gateway-pop scopes the key to ``center``."""
    assert v4_client(imm_emulator, region_id="").list_projects(m.ListProjectsRequest()).status_code == 200


def test_v4_with_a_wrong_secret_does_not_match(imm_emulator) -> None:
    for algorithm in V4:
        client = v4_client(imm_emulator, DEFAULT_KEY[0], "not-the-secret", algorithm=algorithm)
        error = refused("SignatureDoesNotMatch", lambda c=client: c.list_projects(m.ListProjectsRequest()))
        assert f"server string to sign is:{algorithm}\n" in error.data["Message"]


def test_v4_scope_names_imm(imm_emulator) -> None:
    client = v4_client(imm_emulator, product="ecs")
    error = refused("IncompleteSignature", lambda: client.list_projects(m.ListProjectsRequest()))
    assert "'ecs'" in error.data["Message"]


def test_v4_checks_the_security_token(imm_emulator) -> None:
    ak, secret, token = STS_KEY
    good = v4_client(imm_emulator, ak, secret, security_token=token)
    assert good.list_projects(m.ListProjectsRequest()).status_code == 200
    bare = v4_client(imm_emulator, ak, secret)
    refused("MissingSecurityToken", lambda: bare.list_projects(m.ListProjectsRequest()))


def test_auth_off_takes_the_v4_key_as_given(backend) -> None:
    with Emulator(auth="off", **backend) as emu:
        client = v4_client(emu, "anyone", "anything")
        client.create_project(m.CreateProjectRequest(project_name="p"))
        assert emu.requests.list()[-1]["access_key_id"] == "anyone"
        assert v4_client(emu, "someone-else", "x").list_projects(m.ListProjectsRequest()).body.projects == []
