"""``serve --tls``: HTTPS on --port with a certificate from the emulator's local CA, whose file the ready
output names. Clients that trust it as the README says (REQUESTS_CA_BUNDLE / SSL_CERT_FILE for Python,
NODE_EXTRA_CA_CERTS for Node) work; clients that do not are refused by their own TLS check."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError

import pytest

from tests.helpers import DEFAULT_KEY, media, served
from tests.node.test_node_clients import NODE_DIR, installed

pytest.importorskip("trustme")

CLIENT = r"""
import json, sys
import oss2
from alibabacloud_imm20200930.client import Client
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.models import Config
from mns.account import Account
from mns.queue import Message, QueueMeta

url, key, secret, video = sys.argv[1:5]
address = url.split("://", 1)[1]
imm = Client(Config(access_key_id=key, access_key_secret=secret, endpoint=address, protocol="https",
                    region_id="cn-hangzhou"))
imm.create_project(m.CreateProjectRequest(project_name="tls"))
bucket = oss2.Bucket(oss2.AuthV4(key, secret), url, "tls", region="cn-hangzhou")
bucket.create_bucket()
bucket.put_object_from_file("clip.mp4", video)
meta = imm.detect_media_meta(m.DetectMediaMetaRequest(project_name="tls", source_uri="oss://tls/clip.mp4")).body
queue = Account(url, key, secret).get_queue("tls")
queue.create(QueueMeta())
queue.send_message(Message("over tls"))
print(json.dumps({"format": meta.format_name, "message": queue.receive_message().message_body.decode()}))
"""


@contextlib.contextmanager
def serve_tls(data_dir: Path) -> Iterator[tuple[str, str]]:
    """``serve --tls``: yields (its https URL, the CA file the ready output names next)."""
    with served("--tls", "--data-dir", str(data_dir)) as (proc, url):
        assert url.startswith("https://127.0.0.1:"), url
        ca_line = proc.stdout.readline()
        assert ca_line.startswith("imm-emulator CA certificate: "), ca_line
        yield url, ca_line.split(": ", 1)[1].strip()


def node_sdk_over_tls(url: str, ca: str) -> None:
    """@alicloud/pop-core (from tests/node's locked packages) calls IMM over HTTPS with the CA trusted."""
    if not installed():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=600)
    script = (
        "const RPC = require('@alicloud/pop-core');"
        "new RPC({accessKeyId: process.argv[2], accessKeySecret: process.argv[3], endpoint: process.argv[1],"
        " apiVersion: '2020-09-30'}).request('ListProjects', {}, {method: 'POST'})"
        ".then(r => console.log(JSON.stringify(r.Projects.map(p => p.ProjectName))),"
        " e => console.log(e.code))"
    )
    trusted = {**os.environ, "NODE_EXTRA_CA_CERTS": ca}
    node = subprocess.run(
        ["node", "-e", script, url, *DEFAULT_KEY], cwd=NODE_DIR, env=trusted,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert json.loads(node.stdout) == ["tls"], node.stdout + node.stderr


def test_sdks_over_https_after_trusting_the_ca(tmp_path) -> None:
    with serve_tls(tmp_path) as (url, ca):
        assert Path(ca).name == "imm-emulator-ca.pem" and Path(ca).parent == tmp_path
        with pytest.raises(URLError):  # not trusted yet: the client's own check refuses the certificate
            urllib.request.urlopen(f"{url}/_emulator/health", timeout=10)
        env = {**os.environ, "REQUESTS_CA_BUNDLE": ca, "SSL_CERT_FILE": ca}
        done = subprocess.run(
            [sys.executable, "-c", CLIENT, url, *DEFAULT_KEY, str(media("mp4_h264_aac.mp4"))],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {"format": "mov,mp4,m4a,3gp,3g2,mj2", "message": "over tls"}
        if shutil.which("node") and shutil.which("npm"):
            node_sdk_over_tls(url, ca)
    with serve_tls(tmp_path) as (_, again):  # the CA is kept: trusted once
        assert again == ca


def test_waitress_refuses_tls_clearly(tmp_path) -> None:
    pytest.importorskip("waitress")
    done = subprocess.run(
        [sys.executable, "-m", "imm_emulator.cli", "serve", "--port", "0", "--tls", "--server", "waitress"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},
    )
    assert done.returncode != 0 and "--tls" in done.stderr and "Traceback" not in done.stderr
