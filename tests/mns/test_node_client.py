"""The official Node.js client (@alicloud/mns, default settings) receives, changes the visibility of and
deletes an IMM task notification, as a Node consumer would. Runs where Node.js and npm are installed
(CI installs the package from tests/mns/node/package-lock.json); skipped elsewhere."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from alibabacloud_imm20200930 import models as m

from tests.helpers import media

NODE_DIR = Path(__file__).with_name("node")
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None, reason="needs Node.js and npm"
)


@pytest.fixture(scope="module")
def node_client() -> Path:
    if not (NODE_DIR / "node_modules" / "@alicloud" / "mns").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=300)
    return NODE_DIR / "consume.js"


def consume(script: Path, emulator, queue: str, secret: str | None = None, wait: int = 10) -> dict:
    key = emulator.config.access_keys[0]
    args = [emulator.endpoint, key.access_key_id, secret or key.secret, queue, str(wait)]
    done = subprocess.run(["node", str(script), *args], capture_output=True, text=True, timeout=60)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_node_client_receives_and_deletes_an_imm_notification(node_client, imm_emulator, imm_client) -> None:
    queue = imm_emulator.mns_queue_subscription("node-events", "node-results")
    imm_client.create_project(m.CreateProjectRequest(project_name="p"))
    bucket = imm_emulator.oss2_bucket("media")
    bucket.create_bucket()
    bucket.put_object_from_file("clip.mp4", str(media("mp4_h264_aac.mp4")))
    request = m.CreateVideoLabelClassificationTaskRequest(
        project_name="p",
        source_uri="oss://media/clip.mp4",
        notification=m.Notification(mns=m.MNS(topic_name="node-events")),
    )
    task_id = imm_client.create_video_label_classification_task(request).body.task_id
    imm_emulator.complete_task(task_id)

    got = consume(node_client, imm_emulator, "node-results")
    assert got.get("deleted") is True, got
    message = json.loads(base64.b64decode(got["body"]))  # Node's client leaves the body as sent
    assert json.loads(message["content"])["TaskId"] == task_id
    assert got["dequeueCount"] == 1
    assert queue.get_attributes().active_messages + queue.get_attributes().inactive_messages == 0

    empty = consume(node_client, imm_emulator, "node-results", wait=1)
    assert empty["error"] == "MessageNotExist"
    wrong = consume(node_client, imm_emulator, "node-results", secret="not-the-secret")
    assert wrong["error"] == "SignatureDoesNotMatch"
