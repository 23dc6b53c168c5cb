"""Two emulators in one process share nothing mutable: state, clock, faults, labels, probe workers, the
media answer cache and mounted files' hashes are each emulator's own."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from imm_emulator import Emulator
from imm_emulator.imm import video_labels
from tests.helpers import media


def test_two_emulators_in_one_process_are_independent(tmp_path: Path) -> None:
    (tmp_path / "clip.mp4").write_bytes(media("mp4_h264_aac.mp4").read_bytes())
    with Emulator(mounts=[f"shared={tmp_path}"]) as a, Emulator(mounts=[f"shared={tmp_path}"]) as b:
        a.client().create_project(m.CreateProjectRequest(project_name="p"))
        with pytest.raises(ClientException) as missing:
            b.client().get_project(m.GetProjectRequest(project_name="p"))
        assert missing.value.code == "ResourceNotFound"
        b.client().create_project(m.CreateProjectRequest(project_name="p"))

        a.clock_for().advance(10 * 86400)
        assert abs(b.clock_for().now() - time.time()) < 60

        a.faults.add(action="ListProjects", kind="error", code="InternalError", times=None)
        assert b.client().list_projects(m.ListProjectsRequest()).status_code == 200
        assert b.faults.list() == []

        a.set_labels("oss://shared/*", ["猫"])
        assert video_labels.list_overrides(b.runtime.services, None) == []

        request = m.DetectMediaMetaRequest(project_name="p", source_uri="oss://shared/clip.mp4")
        assert a.client().detect_media_meta(request).body.duration == 2.0
        assert len(a.runtime.services.answers) == 1 and len(b.runtime.services.answers) == 0
        assert a.runtime.services.probes is not b.runtime.services.probes
        assert b.runtime.services.probes._started == 0  # b never probed: no worker of its own started
        assert a.runtime.oss.mounts["shared"]._hashes is not b.runtime.oss.mounts["shared"]._hashes
        assert b.client().detect_media_meta(request).body.duration == 2.0
        assert len(b.runtime.services.answers) == 1


def test_handlers_counters_and_waits_are_each_emulators_own() -> None:
    with Emulator() as a, Emulator() as b:
        a.runtime.services.handlers["ListProjects"] = lambda ctx, params: {"Projects": [], "NextToken": "x"}
        assert b.client().list_projects(m.ListProjectsRequest()).body.next_token in ("", None)
        assert a.client().list_projects(m.ListProjectsRequest()).body.next_token == "x"
        assert a.runtime.services.handlers is not b.runtime.services.handlers
        assert a.runtime.services.notified is not b.runtime.services.notified
        assert a.runtime.services.sequence is not b.runtime.services.sequence
        first = a.faults.add(action="GetTask", kind="error")
        b.faults.add(action="GetTask", kind="error")
        second = a.faults.add(action="GetTask", kind="error")
        assert int(first.id.split("-")[1]) + 1 == int(second.id.split("-")[1])  # b's rule took no number
