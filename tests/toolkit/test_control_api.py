"""The control API is documented (OpenAPI at /_emulator/openapi.json) and the dashboard renders state."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from alibabacloud_imm20200930 import models as m
from jsonschema import Draft202012Validator

from tests.helpers import media


def get(emu, path: str) -> bytes:
    with urllib.request.urlopen(f"{emu.endpoint}{path}", timeout=10) as response:
        return response.read()


def test_openapi_document_covers_every_route(imm_emulator) -> None:
    spec = json.loads(get(imm_emulator, "/_emulator/openapi.json"))
    assert spec["openapi"].startswith("3.1")
    from imm_emulator.web.app import create_app

    app = create_app(runtime=imm_emulator.runtime)
    routes = {
        rule.rule.replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/_emulator") and rule.endpoint != "control.unserved"  # 404/405 only
    }
    documented = set(spec["paths"])
    assert {r.replace("{task_id}/{action}", "{task_id}/{action}") for r in routes} <= documented
    health = json.loads(get(imm_emulator, "/_emulator/health"))
    schema = spec["paths"]["/_emulator/health"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    Draft202012Validator(schema).validate(health)


def test_dashboard_shows_projects_tasks_objects_journal_and_outbox(imm_emulator, imm_client) -> None:
    imm_emulator.set_task_policy("instant")
    imm_client.create_project(m.CreateProjectRequest(project_name="dash", description="<script>x</script>"))
    uri = imm_emulator.put_object("media", "v.mp4", media("mp4_h264_aac.mp4"))
    imm_emulator.set_labels(uri, ["天空"])
    task = imm_client.create_video_label_classification_task(
        m.CreateVideoLabelClassificationTaskRequest(
            project_name="dash", source_uri=uri, notification=m.Notification(mns=m.MNS(topic_name="t"))
        )
    ).body
    html = get(imm_emulator, "/_emulator/ui").decode()
    for text in (
        "dash",
        task.task_id,
        "Succeeded",
        "天空",
        "自然景观",
        "oss://media/v.mp4",
        "CreateProject",
        "EventBridge",
        'http-equiv="refresh"',
    ):
        assert text in html, text
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    mine = get(imm_emulator, f"/_emulator/ui?account={imm_emulator.access_key_id}").decode()
    assert task.task_id in mine


@pytest.mark.browser
def test_dashboard_in_headless_chromium(imm_emulator, imm_client, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    imm_client.create_project(m.CreateProjectRequest(project_name="browser-project"))
    shot = tmp_path / "dashboard.png"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", f"{imm_emulator.endpoint}/_emulator/ui"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "browser-project" in dom.stdout
    subprocess.run(
        [
            browser,
            *flags,
            f"--screenshot={shot}",
            "--window-size=1280,900",
            f"{imm_emulator.endpoint}/_emulator/ui",
        ],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 10_000
    Path("bench/results").mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, "bench/results/dashboard.png")


def control(emu, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{emu.endpoint}/_emulator{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_a_registered_key_cannot_be_taken_over(imm_emulator, imm_client) -> None:
    key = {"access_key_id": "worker-key", "secret": "s1"}
    assert control(imm_emulator, "POST", "/keys", key)[0] == 200
    assert control(imm_emulator, "POST", "/keys", key)[0] == 200  # the same key again: a no-op
    status, answer = control(imm_emulator, "POST", "/keys", {**key, "secret": "s2"})
    assert status == 409 and answer["Code"] == "ResourceAlreadyExists" and "RequestId" in answer
    default = {"access_key_id": imm_emulator.access_key_id, "secret": "hijack"}
    assert control(imm_emulator, "POST", "/keys", default)[0] == 409
    assert imm_client.list_projects(m.ListProjectsRequest()).status_code == 200  # its secret still works


def test_account_in_a_json_body_on_delete(imm_emulator) -> None:
    account = {"account": imm_emulator.access_key_id}
    _, answer = control(imm_emulator, "PUT", "/task-policy", {**account, "policy": "manual"})
    assert answer["policy"] == "manual"
    status, answer = control(imm_emulator, "DELETE", "/task-policy", account)
    assert status == 200 and answer["policy"] != "manual"
