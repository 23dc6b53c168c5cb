"""Inputs a review found answering 500 or misbehaving; each now gets a clear 4xx or works."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError

import pytest
import requests
from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator
from tests.helpers import media


def control(emu, method: str, path: str, body=None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{emu.endpoint}/_emulator{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def emu():
    with Emulator(auth="off", task_duration="instant") as emulator:
        yield emulator


@pytest.mark.parametrize("body", [{"id": 5}, {"id": "x"}, {"matched": 3}, {"account": 5}, {"account": [1]}])
def test_bad_fault_bodies_are_refused_and_the_emulator_keeps_working(emu, body) -> None:
    status, answer = control(emu, "POST", "/faults", body)
    assert status == 400 and answer["Code"] == "InvalidArgument"
    assert emu.client().list_projects(m.ListProjectsRequest()).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"advance": float("nan")},
        {"advance": 1e300},
        {"advance": 3e11},
        {"advance": -1e11},
        {"set": "0001-01-01T00:00:00Z", "advance": -1e9},
    ],
)
def test_clock_cannot_be_pushed_out_of_range(emu, change) -> None:
    raw = json.dumps(change).replace("NaN", "NaN").encode()
    request = urllib.request.Request(
        f"{emu.endpoint}/_emulator/clock",
        data=raw,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(HTTPError) as caught:
        urllib.request.urlopen(request)
    # 409 ClockOutOfRange where the request is well formed but would take the clock past 1970-9999
    assert caught.value.code == (409 if change == {"advance": -1e11} else 400)
    emu.client().create_project(m.CreateProjectRequest(project_name="still-fine"))
    assert control(emu, "GET", "/clock")[0] == 200


def test_impossible_dates_in_signatures_are_format_errors() -> None:
    with Emulator() as emu:
        for query in (
            "Timestamp=2024-13-45T99:99:99Z",
            "Timestamp=2024-02-30T00:00:00Z",
            "Timestamp=２０２４-01-01T00:00:00Z",
        ):
            url = (
                f"{emu.endpoint}/?Action=ListProjects&Version=2020-09-30&AccessKeyId=test-access-key-id"
                f"&Signature=x&SignatureMethod=HMAC-SHA1&SignatureNonce=n&{query}"
            )
            answer = requests.post(url, timeout=10)
            assert answer.status_code == 400 and answer.json()["Code"] == "InvalidTimeStamp.Format", query
        acs3 = requests.post(
            f"{emu.endpoint}/",
            timeout=10,
            headers={
                "x-acs-action": "ListProjects",
                "x-acs-version": "2020-09-30",
                "x-acs-date": "2024-02-30T00:00:00Z",
                "x-acs-signature-nonce": "n",
                "Authorization": "ACS3-HMAC-SHA256 Credential=test-access-key-id,"
                "SignedHeaders=x-acs-date;x-acs-signature-nonce,Signature=00",
            },
        )
        assert acs3.status_code == 400 and acs3.json()["Code"] == "InvalidTimeStamp.Format"
        oss = requests.get(
            f"{emu.endpoint}/bkt/k",
            timeout=10,
            headers={
                "x-oss-date": "20240230T000000Z",
                "Authorization": "OSS4-HMAC-SHA256 Credential=test-access-key-id/20240230/cn-hangzhou/oss/"
                "aliyun_v4_request,Signature=00",
            },
        )
        assert oss.status_code == 403


def test_non_ascii_signatures_tokens_and_digits() -> None:
    with Emulator(control_token="tok") as emu:
        emu.put_object("bkt", "k", b"v")
        signed = requests.get(
            f"{emu.endpoint}/bkt/k",
            timeout=10,
            headers={
                "Authorization": "OSS test-access-key-id:éé".encode().decode("latin-1"),
                "Date": __import__("email.utils").utils.formatdate(usegmt=True),
            },
        )
        assert signed.status_code == 403
        token = requests.get(
            f"{emu.endpoint}/_emulator/clock",
            timeout=10,
            headers={"Authorization": "Bearer é".encode().decode("latin-1")},
        )
        assert token.status_code == 401
    with Emulator(auth="off") as emu:
        emu.put_object("bkt", "k", b"v")
        for query in ("max-keys=%C2%B2", "list-type=2&max-keys=%D9%A1%D9%A2"):
            answer = requests.get(f"{emu.endpoint}/bkt/?{query}", timeout=10)
            assert answer.status_code == 400, query
        part = requests.put(f"{emu.endpoint}/bkt/k?uploadId=x&partNumber=%C2%B2", data=b"x", timeout=10)
        assert part.status_code == 400 and b"InvalidArgument" in part.content
        presigned = requests.get(
            f"{emu.endpoint}/bkt/k?OSSAccessKeyId=a&Expires=%C2%B2&Signature=x", timeout=10
        )
        assert presigned.status_code < 500
        assert control(emu, "GET", "/requests?status=%C2%B2")[0] == 400


def test_response_header_overrides_with_line_breaks(emu) -> None:
    emu.put_object("bkt", "k", b"v")
    answer = requests.get(f"{emu.endpoint}/bkt/k?response-content-type=a%0D%0AX:%201", timeout=10)
    assert answer.status_code == 400 and b"InvalidArgument" in answer.content
    ok = requests.get(
        f"{emu.endpoint}/bkt/k?response-content-type=text/x-a&response-cache-control=no-store", timeout=10
    )
    assert ok.headers["Content-Type"] == "text/x-a" and ok.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("last", [[], ["x", "y"], [1], [True], "x", [None]])
def test_crafted_list_tasks_tokens(emu, last) -> None:
    import base64

    client = emu.client()
    client.create_project(m.CreateProjectRequest(project_name="p"))
    for sort in ("TaskId", "StartTime"):
        token = base64.urlsafe_b64encode(
            json.dumps({"a": emu.account(), "p": "p", "s": sort, "o": "asc", "k": last}).encode()
        ).decode()
        with pytest.raises(Exception) as caught:
            client.list_tasks(m.ListTasksRequest(project_name="p", next_token=token, sort=sort))
        assert caught.value.code == "InvalidArgument"


def test_polls_counts_every_concurrent_read() -> None:
    with Emulator(task_duration="polls:400") as emu:
        client = emu.client()
        client.create_project(m.CreateProjectRequest(project_name="p"))
        uri = emu.put_object("media", "v.mp4", media("mp4_h264_aac.mp4"))
        task = client.create_video_label_classification_task(
            m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri=uri)
        ).body.task_id
        request = m.GetTaskRequest(project_name="p", task_id=task, task_type="VideoLabelClassification")
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: emu.client().get_task(request).body.status, range(400)))
        assert statuses.count("Succeeded") == 1 and statuses.count("Running") == 399


def test_wait_is_not_cut_short_by_other_notifications() -> None:
    import time

    from imm_emulator.imm import notifications
    from imm_emulator.imm.registry import Services

    services = Services(None, None, None, None)  # type: ignore[arg-type]  # only its condition is used
    stop = threading.Event()

    def noise() -> None:
        while not stop.is_set():
            with services.notified:
                services.notified.notify_all()
            time.sleep(0.001)

    threading.Thread(target=noise, daemon=True).start()
    started = time.perf_counter()
    assert notifications.wait_until(services, lambda: False, 0.5) is False
    stop.set()
    assert time.perf_counter() - started >= 0.45


def test_reading_an_object_deleted_meanwhile_is_no_such_key(emu) -> None:
    emu.put_object("bkt", "k", b"v")
    info = emu.runtime.oss.head(emu.account(), "bkt", "k")
    emu.runtime.oss.delete(emu.account(), "bkt", "k")
    with pytest.raises(Exception) as caught:
        emu.runtime.oss.open(emu.account(), "bkt", info)
    assert caught.value.code == "NoSuchKey"


def test_multipart_upload_listing_pages(emu) -> None:
    import oss2

    bucket = emu.oss2_bucket("up-bucket", "k", "s")
    bucket.create_bucket()
    made = sorted((key, bucket.init_multipart_upload(key).upload_id) for key in ("a", "a", "b", "c", "c"))
    walked = [(u.key, u.upload_id) for u in oss2.MultipartUploadIterator(bucket, max_uploads=2)]
    assert walked == made


def test_unknown_methods_on_oss_paths_answer_oss_xml(emu) -> None:
    answer = requests.patch(f"{emu.endpoint}/bkt/k", timeout=10)
    assert answer.status_code == 405 and answer.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_registered_keys_survive_restart_and_reset(tmp_path) -> None:
    data = str(tmp_path / "d")
    with Emulator(data_dir=data) as emu:
        emu.register_key("extra-key", "extra-secret")
        emu.reset()
        emu.client("extra-key", "extra-secret").list_projects(m.ListProjectsRequest())
    with Emulator(data_dir=data) as emu:
        assert (
            emu.client("extra-key", "extra-secret").list_projects(m.ListProjectsRequest()).status_code == 200
        )


def test_ipv6_loopback_host() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        probe = socket.create_server(("::1", 0), family=socket.AF_INET6)
        probe.close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with Emulator(host="::1") as emu:
        assert emu.endpoint.startswith("http://[::1]:")
        assert json.load(urllib.request.urlopen(f"{emu.endpoint}/_emulator/health"))["status"] == "ok"


def test_failed_start_leaves_nothing_behind() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        emu = Emulator(port=taken.getsockname()[1])
        scratch = emu.runtime._scratch
        with pytest.raises(OSError):
            emu.start()
        assert not scratch.exists()
