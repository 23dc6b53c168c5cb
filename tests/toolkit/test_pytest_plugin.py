"""The pytest plugin as a downstream project uses it: fixtures, markers, options, a shared server with
parallel workers, parity mode, clocks, and the journal in a failing test's report."""

from __future__ import annotations

import pytest

from tests.helpers import served

pytest_plugins = ["pytester"]

SAMPLE = """
import json, time, datetime
import pytest
from alibabacloud_imm20200930 import models as m

VIDEO = "{video}"

def test_fixtures(imm_emulator, imm_client, imm_async_client, oss_client, imm_project, imm_clock):
    import asyncio, alibabacloud_oss_v2 as oss
    oss_client.put_bucket(oss.PutBucketRequest(bucket="b-fixtures"))
    assert imm_client.get_project(m.GetProjectRequest(project_name=imm_project)).body.project
    got = asyncio.run(imm_async_client.get_project_async(m.GetProjectRequest(project_name=imm_project)))
    assert got.body.project.project_name == imm_project
    before = imm_clock.now()
    imm_clock.advance(3600)
    assert imm_clock.now() - before >= 3600

def test_state_is_reset_between_tests_a(imm_client):
    imm_client.create_project(m.CreateProjectRequest(project_name="leaky"))

def test_state_is_reset_between_tests_b(imm_client):
    assert [p.project_name for p in imm_client.list_projects(m.ListProjectsRequest()).body.projects] == []

@pytest.mark.imm_task_policy("manual")
def test_policy_marker(imm_emulator, imm_client, imm_project):
    uri = imm_emulator.put_object("b-policy", "v.mp4", VIDEO)
    task = imm_client.create_video_label_classification_task(m.CreateVideoLabelClassificationTaskRequest(
        project_name=imm_project, source_uri=uri)).body.task_id
    req = m.GetTaskRequest(project_name=imm_project, task_id=task, task_type="VideoLabelClassification")
    for _ in range(3):
        assert imm_client.get_task(req).body.status == "Running"
    imm_emulator.complete_task(task)
    assert imm_client.get_task(req).body.status == "Succeeded"

@pytest.mark.imm_labels("oss://b-labels/*", ["天空"])
@pytest.mark.imm_task_policy("instant")
def test_labels_marker(imm_emulator, imm_client, imm_project):
    uri = imm_emulator.put_object("b-labels", "v.mp4", VIDEO)
    task = imm_client.create_video_label_classification_task(m.CreateVideoLabelClassificationTaskRequest(
        project_name=imm_project, source_uri=uri)).body.task_id
    res = imm_client.get_video_label_classification_result(m.GetVideoLabelClassificationResultRequest(
        project_name=imm_project, task_id=task, task_type="VideoLabelClassification")).body
    assert "天空" in {l.label_name for l in res.labels}

@pytest.mark.imm_fault(action="ListProjects", kind="throttle", retry_after=2)
def test_fault_marker(imm_client):
    from alibabacloud_tea_openapi.exceptions import ThrottlingException
    with pytest.raises(ThrottlingException):
        imm_client.list_projects(m.ListProjectsRequest())
    imm_client.list_projects(m.ListProjectsRequest())

@pytest.mark.imm_parity
def test_parity_uses_only_the_client(imm_client):
    from alibabacloud_tea_openapi.exceptions import ClientException
    with pytest.raises(ClientException) as caught:
        imm_client.get_project(m.GetProjectRequest(project_name="surely-not-there-9f3a"))
    assert caught.value.code == "ResourceNotFound"
"""


@pytest.fixture
def project(pytester: pytest.Pytester):
    from tests.helpers import media

    pytester.makepyfile(test_sample=SAMPLE.replace("{video}", str(media("mp4_h264_aac.mp4"))))
    return pytester


def test_in_process(project) -> None:
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)


def test_in_process_with_two_xdist_workers(project) -> None:
    result = project.runpytest_subprocess("-p", "xdist", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)


def test_against_a_running_server_with_two_workers_sharing_it(project) -> None:
    with served("--task-duration", "polls:2") as (_, url):
        result = project.runpytest_subprocess(
            "--imm-endpoint", url, "-p", "xdist", "-n", "2", "-p", "no:cacheprovider"
        )
        result.assert_outcomes(passed=7)
        single = project.runpytest_subprocess("--imm-endpoint", url, "-p", "no:cacheprovider")
        single.assert_outcomes(passed=7)


def test_parity_mode_against_another_endpoint_runs_only_parity_tests(project) -> None:
    """Pointed at a server that is not an imm-emulator (here: an IMM emulator with its control API hidden
    behind a different path would do; an HTTP server answering 404 to /_emulator/health stands in)."""
    import http.server
    import threading

    from imm_emulator import Emulator

    with Emulator() as emu:
        upstream = emu.address

        class Proxy(http.server.BaseHTTPRequestHandler):
            def _forward(self) -> None:
                import urllib.request

                if self.path.startswith("/_emulator"):
                    self.send_response(404)
                    self.end_headers()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                request = urllib.request.Request(
                    f"http://{upstream}{self.path}",
                    method=self.command,
                    data=self.rfile.read(length) if length else None,
                    headers={k: v for k, v in self.headers.items()},
                )
                try:
                    response = urllib.request.urlopen(request)
                except urllib.error.HTTPError as exc:
                    response = exc
                body = response.read()
                self.send_response(response.status if hasattr(response, "status") else response.code)
                for name, value in response.headers.items():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _forward

            def log_message(self, *args) -> None:
                pass

        proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        try:
            endpoint = f"http://127.0.0.1:{proxy.server_address[1]}"
            result = project.runpytest_subprocess("--imm-endpoint", endpoint, "-p", "no:cacheprovider", "-rs")
        finally:
            proxy.shutdown()
    result.assert_outcomes(passed=1, skipped=6)
    result.stdout.fnmatch_lines(["*needs imm-emulator*"])


def test_failure_report_carries_the_journal(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_failing="""
from alibabacloud_imm20200930 import models as m

def test_fails(imm_client):
    imm_client.create_project(m.CreateProjectRequest(project_name="journaled"))
    assert False, "on purpose"
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*imm-emulator requests*", "*CreateProject*200*journaled*"])


def test_freezegun_and_time_machine_move_the_in_process_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_clocks="""
import time_machine
from freezegun import freeze_time
from alibabacloud_imm20200930 import models as m

def test_freezegun(imm_client):
    with freeze_time("2021-03-04T05:06:07Z"):
        p = imm_client.create_project(m.CreateProjectRequest(project_name="f")).body.project
    assert p.create_time.startswith("2021-03-04T13:06:07")

def test_time_machine(imm_client):
    with time_machine.travel("2022-05-06T07:08:09Z", tick=False):
        p = imm_client.create_project(m.CreateProjectRequest(project_name="t")).body.project
    assert p.create_time.startswith("2022-05-06T15:08:09")
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_options_auth_off_and_access_key(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_opts="""
from alibabacloud_imm20200930 import models as m

def test_any_key_works(imm_emulator):
    c = imm_emulator.client("whoever", "whatever")
    assert c.list_projects(m.ListProjectsRequest()).status_code == 200

def test_default_key(imm_emulator):
    assert imm_emulator.access_key_id == "CUSTOM"
"""
    )
    result = pytester.runpytest_subprocess(
        "--imm-auth", "off", "--imm-access-key", "CUSTOM:SECRET", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2)


def test_data_dir_and_control_token_options(pytester: pytest.Pytester, tmp_path) -> None:
    pytester.makepyfile(
        test_persist="""
from alibabacloud_imm20200930 import models as m

def test_writes(imm_emulator, imm_client):
    imm_client.create_project(m.CreateProjectRequest(project_name="on-disk"))
    assert imm_emulator.config.data_dir
"""
    )
    data = tmp_path / "plugin-data"
    result = pytester.runpytest_subprocess("--imm-data-dir", str(data), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert (data / "state.sqlite3").exists()
    pytester.makepyfile(
        test_token="""
def test_control_calls_carry_the_token(imm_emulator, imm_clock):
    imm_clock.advance(10)
    assert imm_emulator.requests.list() == []
"""
    )
    with served("--control-token", "tok") as (_, url):
        ok = pytester.runpytest_subprocess(
            "--imm-endpoint", url, "--imm-control-token", "tok", "-k", "token", "-p", "no:cacheprovider"
        )
        ok.assert_outcomes(passed=1)
        refused = pytester.runpytest_subprocess(
            "--imm-endpoint", url, "-k", "token", "-p", "no:cacheprovider"
        )
        refused.assert_outcomes(errors=1)
