"""The Python handle on HTTPS (``Emulator(tls=True)``, ``imm_emulator_config`` {"tls": True} for the
plugin): its SDK clients speak HTTPS once the CA is trusted through the environment, as the README
says."""

from __future__ import annotations

import pytest
from alibabacloud_imm20200930 import models as m
from mns.queue import Message, QueueMeta

from imm_emulator import Emulator

pytest.importorskip("trustme")


def test_handle_clients_over_https(tmp_path, monkeypatch) -> None:
    with Emulator(tls=True, data_dir=str(tmp_path)) as emu:
        assert emu.endpoint.startswith("https://")
        ca = str(tmp_path / "imm-emulator-ca.pem")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca)
        monkeypatch.setenv("SSL_CERT_FILE", ca)
        emu.client().create_project(m.CreateProjectRequest(project_name="p"))
        bucket = emu.oss2_bucket("tls-bucket")
        bucket.create_bucket()
        bucket.put_object("k", b"v")
        assert bucket.get_object("k").read() == b"v"
        queue = emu.mns_account().get_queue("q")
        queue.create(QueueMeta())
        queue.send_message(Message("over https"))
        assert queue.receive_message().message_body == b"over https"
        assert [e["status"] for e in emu.requests.list(action="CreateProject")] == [200]
