"""Which probed media the service labels: the documented containers holding a moving-video stream."""

from __future__ import annotations

import shutil

import pytest

from imm_emulator.errors import ImmError
from imm_emulator.imm.labels.formats import (
    ACCEPTED_DEMUXERS,
    DOCUMENTED_FORMATS,
    check_labelable,
    is_labelable,
    is_still_image,
)
from tests.labels.media import ffmpeg, probe

H264 = {"CodecName": "h264", "Width": 640, "Height": 360, "AverageFrameRate": "25/1", "FrameCount": 50}


def meta(format_name, video=(H264,), audio=()):
    return {"FormatName": format_name, "VideoStreams": list(video), "AudioStreams": list(audio)}


def test_documented_list_is_the_user_guides():
    assert list(DOCUMENTED_FORMATS) == [
        "AVI", "MPEG", "MPG", "DAT", "DIVX", "XVID", "RM", "RMVB", "MOV", "QT", "ASF", "WMV", "VOB", "3GP",
        "MP4", "FLV", "AVS", "MKV", "TS", "OGM", "NSV", "SWF",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "format_name",
    [
        "avi", "mpeg", "mpegvideo", "rm", "mov,mp4,m4a,3gp,3g2,mj2", "asf", "asf_o", "flv", "matroska,webm",
        "mpegts", "ogg", "nsv", "swf", "cavsvideo", "avs2", "hls",
    ],
)  # fmt: skip
def test_accepts_documented_containers_with_video(format_name):
    check_labelable(meta(format_name))
    assert is_labelable(meta(format_name))


@pytest.mark.parametrize(
    "format_name", ["mp3", "wav", "image2", "png_pipe", "gif", "h264", "webm_dash_manifest", ""]
)
def test_rejects_other_formats(format_name):
    with pytest.raises(ImmError) as caught:
        check_labelable(meta(format_name))
    assert caught.value.code == "InvalidArgument" and caught.value.http_status == 400
    assert "not supported by video label detection" in caught.value.message
    assert "AVI, MPEG" in caught.value.message


@pytest.mark.parametrize(
    ("video", "audio", "fragment"),
    [
        ((), ({"CodecName": "aac"},), "only audio"),
        ((), (), "no audio or video stream"),
        (({"CodecName": "png", "AverageFrameRate": "0/0", "Duration": 1.0},), ({"CodecName": "aac"},),
         "only a still image (cover art) and audio"),
        (({"CodecName": "mjpeg", "FrameCount": 1},), (), "only a still image (cover art)"),
    ],
)  # fmt: skip
def test_rejects_containers_without_moving_video(video, audio, fragment):
    with pytest.raises(ImmError) as caught:
        check_labelable(meta("mov,mp4,m4a,3gp,3g2,mj2", video, audio))
    assert fragment in caught.value.message
    assert not is_labelable(meta("mov,mp4,m4a,3gp,3g2,mj2", video, audio))


def test_motion_jpeg_is_video_not_cover_art():
    assert not is_still_image({"CodecName": "mjpeg", "FrameCount": 250})
    assert not is_still_image({"CodecName": "mjpeg", "AverageFrameRate": "25/1", "Duration": 10.0})
    assert is_still_image({"CodecName": "png", "AverageFrameRate": "0/0", "Duration": 1.0})
    assert not is_still_image({"CodecName": "h264", "FrameCount": 1})  # a one-frame H.264 clip is still video
    check_labelable(meta("avi", [{"CodecName": "mjpeg", "FrameCount": 250}]))


@pytest.mark.parametrize(
    "bad", [None, [], "mp4", {"FormatName": 3}, {"FormatName": "mp4", "VideoStreams": "x"}]
)
def test_garbage_meta_is_an_imm_error(bad):
    with pytest.raises(ImmError):
        check_labelable(bad)


def test_every_accepted_demuxer_is_an_ffmpeg_name():
    """The names are ffprobe's FormatName values: each must be a demuxer of the installed ffmpeg."""
    import shutil
    import subprocess

    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg not installed (apt-get install -y ffmpeg)")
    listing = subprocess.run(
        ["ffmpeg", "-hide_banner", "-demuxers"], capture_output=True, text=True, check=True
    )
    demuxers = set()
    for line in listing.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0].startswith("D") and fields[0] != "D.":
            demuxers.update(fields[1].split(","))  # "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"
    assert len(demuxers) > 100, listing.stdout[:500]
    assert ACCEPTED_DEMUXERS - demuxers <= {"applehttp"}  # hls's name before FFmpeg 4.4


S = ["-f", "lavfi", "-i", "testsrc2=size=176x144:rate=25:duration=1"]
A = ["-f", "lavfi", "-i", "sine=duration=1"]
STILL = ["-f", "lavfi", "-i", "testsrc2=size=64x64:duration=0.04"]
LABELABLE = {
    "a.avi": [*S, "-c:v", "mpeg4", "-vtag", "XVID"],
    "a.mpg": [*S, "-c:v", "mpeg1video", "-f", "mpeg"],
    "a.vob": [*S, "-c:v", "mpeg2video", "-f", "vob"],
    "a.m1v": [*S, "-c:v", "mpeg1video", "-f", "mpeg1video"],
    "a.ts": [*S, "-c:v", "mpeg2video"],
    "a.flv": [*S, "-c:v", "flv1"],
    "a.3gp": [*S, "-c:v", "h263"],
    "a.wmv": [*S, "-c:v", "wmv2"],
    "a.rm": [*S, "-c:v", "rv20"],
    "a.ogv": [*S, "-c:v", "libtheora"],
    "a.swf": [*S, "-c:v", "flv1"],
    "a.mkv": [*S, "-c:v", "libx264"],
    "a.mov": [*S, "-c:v", "libx264"],
    "a.mp4": [*S, *A, "-c:v", "libx264", "-c:a", "aac"],
}
NOT_LABELABLE = {
    "a.mp3": A,
    "a.m4a": [*A, "-c:a", "aac"],
    "a.wav": A,
    "a.oga": [*A, "-c:a", "libvorbis", "-f", "ogg"],
    "a.gif": S,
    "a.png": [*STILL, "-frames:v", "1"],
    "cover.m4a": [*A, *STILL, "-map", "0", "-map", "1", "-c:a", "aac", "-c:v", "png", "-disposition:v",
                  "attached_pic"],
    "cover.mkv": [*A, *STILL, "-map", "0", "-map", "1", "-c:a", "aac", "-c:v", "mjpeg", "-frames:v", "1"],
}  # fmt: skip


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory, videos):  # ``videos`` skips without ffmpeg
    return tmp_path_factory.mktemp("formats")


@pytest.mark.parametrize("name", sorted(LABELABLE))
def test_real_files_accepted(media_dir, name):
    path = ffmpeg(media_dir / name, *LABELABLE[name])
    check_labelable(probe(path))


@pytest.mark.parametrize("name", sorted(NOT_LABELABLE))
def test_real_files_refused(media_dir, name):
    path = ffmpeg(media_dir / name, *NOT_LABELABLE[name])
    with pytest.raises(ImmError):
        check_labelable(probe(path))


def test_decided_by_content_not_extension(media_dir):
    audio = ffmpeg(media_dir / "song.mp3", *A)
    disguised = shutil.copy(audio, media_dir / "song.mp4")
    with pytest.raises(ImmError, match=r"\(mp3\) is not supported"):
        check_labelable(probe(disguised))
    video = ffmpeg(media_dir / "clip.mkv", *S, "-c:v", "libx264")
    check_labelable(probe(shutil.copy(video, media_dir / "clip.txt")))
