"""Only imm-emulator's public fixtures: installing imm-emulator is all this project needs."""

from __future__ import annotations

import pytest
from tagger import Tagger


@pytest.fixture
def tagger(imm_emulator, imm_client, imm_project) -> Tagger:
    bucket = imm_emulator.oss2_bucket("uploads")
    bucket.create_bucket()
    return Tagger(imm_client, bucket, imm_project, poll_interval=0)
