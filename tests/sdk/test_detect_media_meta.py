"""DetectMediaMeta through the real SDK client: the documented sample's shape and types, every fixture
end to end against its ffprobe golden, and the errors of the real service."""

from __future__ import annotations

import json

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.helpers import media


@pytest.fixture
def project(imm_client) -> str:
    imm_client.create_project(m.CreateProjectRequest(project_name="meta"))
    return "meta"


def detect(client, project: str, uri: str) -> dict:
    request = m.DetectMediaMetaRequest(project_name=project, source_uri=uri)
    return client.detect_media_meta(request).body


def test_doc_sample_shape_and_types(imm_emulator, imm_client, project) -> None:
    uri = imm_emulator.put_object("media", "sample.mp4", media("doc_sample_1080p60.mp4"))
    body = detect(imm_client, project, uri)
    assert body.format_name == "mov,mp4,m4a,3gp,3g2,mj2" and body.format_long_name == "QuickTime / MOV"
    assert (body.video_width, body.video_height, body.stream_count) == (1920, 1080, 2)
    assert isinstance(body.duration, float) and isinstance(body.bitrate, int) and isinstance(body.size, int)
    video, audio = body.video_streams[0], body.audio_streams[0]
    assert (video.codec_name, video.profile, video.level) == ("h264", "High", 42)
    assert (video.codec_tag, video.codec_tag_string) == ("0x31637661", "avc1")
    assert (video.frame_rate, video.average_frame_rate, video.time_base) == ("60/1", "60/1", "1/15360")
    assert (video.color_range, video.color_space, video.color_transfer, video.color_primaries) == (
        "tv",
        "bt709",
        "bt709",
        "bt709",
    )
    assert (video.pixel_format, video.bit_depth, video.has_bframes) == ("yuv420p", 8, 2)
    assert (audio.codec_name, audio.sample_format, audio.channel_layout, audio.codec_tag) == (
        "aac",
        "fltp",
        "stereo",
        "0x6134706d",
    )
    assert isinstance(audio.sample_rate, int) and isinstance(audio.duration, float)
    assert body.request_id and body.subtitles == []


FIXTURES = sorted(
    p.name.removesuffix(".expected.json") for p in media("mp4_h264_aac.mp4").parent.glob("*.expected.json")
)


@pytest.mark.parametrize("name", FIXTURES)
def test_every_fixture_end_to_end(imm_emulator, imm_client, project, name: str) -> None:
    """What the SDK gets equals the fixture's expected answer, apart from the few documented exceptions
    (the golden test in tests/media measures agreement field by field)."""
    uri = imm_emulator.put_object("media", name, media(name))
    answer = detect(imm_client, project, uri).to_map()
    expected = json.loads(media(f"{name}.expected.json").read_text())
    assert answer["FormatName"] == expected["FormatName"]
    assert answer["StreamCount"] == expected["StreamCount"] and answer["Size"] == expected["Size"]
    for kind in ("VideoStreams", "AudioStreams", "Subtitles"):
        got = [(s["Index"], s["CodecName"]) for s in answer.get(kind) or []]
        assert got == [(s["Index"], s["CodecName"]) for s in expected.get(kind, [])], kind


def test_hls_playlist_reads_its_segments(imm_emulator, imm_client, project) -> None:
    folder = media("mp4_h264_aac.mp4").parent / "hls"
    for path in sorted(folder.iterdir()):
        imm_emulator.put_object("media", f"hls/{path.name}", path)
    playlist = next(p.name for p in folder.iterdir() if p.suffix == ".m3u8")
    body = detect(imm_client, project, f"oss://media/hls/{playlist}")
    assert (body.format_name, body.format_long_name) == ("hls", "Apple HTTP Live Streaming")
    assert body.video_streams and body.duration > 0


@pytest.mark.parametrize(
    ("make_uri", "code", "status"),
    [
        (lambda emu: emu.put_object("media", "notes.txt", b"plain text, not media"), "InvalidArgument", 400),
        (lambda emu: emu.put_object("media", "empty.mp4", b""), "InvalidArgument", 400),
        (lambda emu: "oss://media/missing.mp4", "ResourceNotFound", 404),
        (lambda emu: "oss://nobucket/a.mp4", "ResourceNotFound", 404),
        (lambda emu: "http://example.com/a.mp4", "InvalidArgument", 400),
    ],
)
def test_errors(imm_emulator, imm_client, project, make_uri, code: str, status: int) -> None:
    imm_emulator.put_object("media", "keep.txt", b"x")
    with pytest.raises(ClientException) as caught:
        detect(imm_client, project, make_uri(imm_emulator))
    assert (caught.value.code, caught.value.status_code) == (code, status)


def test_unknown_project_and_missing_parameters(imm_emulator, imm_client, project) -> None:
    uri = imm_emulator.put_object("media", "v.mp4", media("mp4_h264_aac.mp4"))
    with pytest.raises(ClientException) as caught:
        detect(imm_client, "ghost", uri)
    assert caught.value.code == "ResourceNotFound"
    with pytest.raises(ClientException) as caught:
        imm_client.detect_media_meta(m.DetectMediaMetaRequest(project_name=project))
    assert caught.value.code == "InvalidArgument"
    assert caught.value.data["Message"] == "The parameter SourceURI is required but not provided."
