"""The MediaInfo driver: tracks built like pymediainfo's, and the parser named from the content."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from pymediainfo import MediaInfo

from imm_emulator.imm.media.mediainfo import inspect, tracks_of
from imm_emulator.imm.media.sniff import image_parser, parser_for
from tests.media.golden import FIXTURES, FORMATS, WORLD

MEDIA = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and not p.name.endswith(".json"))


@pytest.mark.parametrize("path", MEDIA, ids=lambda p: p.name)
def test_tracks_are_built_as_pymediainfo_builds_them(path: Path) -> None:
    report = MediaInfo.parse(path, output="OLDXML", full=True, parse_speed=0)
    expected = MediaInfo(report, "replace").tracks
    got = tracks_of(report)
    assert [t.__dict__ for t in got] == [t.__dict__ for t in expected]
    assert all(t.no_such_attribute is None for t in got)


def test_repeated_values_put_an_int_first() -> None:
    report = (
        '<?xml version="1.0" encoding="UTF-8"?><Mediainfo><File><track type="General">'
        "<Duration>1 s</Duration><Duration>1000</Duration><Format>MPEG-4</Format><Format>mp4</Format>"
        "<Count>7</Count><Count>seven</Count><ID>1</ID></track></File></Mediainfo>"
    )
    (track,) = tracks_of(report)
    assert (track.duration, track.other_duration) == (1000, ["1000", "1 s"])
    assert (track.format, track.other_format) == ("MPEG-4", ["mp4"])
    assert (track.count, track.other_count, track.track_id) == (7, ["seven"], "1")
    assert [t.__dict__ for t in MediaInfo(report).tracks] == [track.__dict__]


@pytest.mark.parametrize(
    ("name", "parser"),
    [
        ("mp4_h264_aac.mp4", "Mpeg4"),
        ("mov_iphone_rotate_gps.mov", "Mpeg4"),
        ("mkv_vp9_opus_subs.mkv", "Mk"),
        ("webm_vp8_vorbis.webm", "Mk"),
        ("avi_mpeg4_mp3.avi", "Riff"),
        ("pcm_u8.wav", "Riff"),
        ("flv_h264_aac.flv", "Flv"),
        ("audio.ogg", "Ogg"),
        ("voice.opus", "Ogg"),
        ("flac_cover.flac", "Flac"),
        ("song_id3.mp3", "Mpega"),
        ("song_cover.mp3", "Mpega"),
        ("audio_adts.aac", "Adts"),
        ("audio_5.1.ac3", "Ac3"),
        ("ts_h264_aac.ts", "MpegTs"),
        ("mpeg2_ntsc.mpg", "MpegPs"),
    ],
)
def test_parser_named_from_the_content(name: str, parser: str) -> None:
    data = (FIXTURES / name).read_bytes()
    assert parser_for(data[:16], lambda offset, length: data[offset : offset + length], len(data)) == parser


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        (FIXTURES / "audio.aiff", "Riff"),
        (WORLD / "real_cpython_pluck_ulaw.aifc", "Riff"),
        (FORMATS / "sample.asf", "Wm"),
        (FORMATS / "sample.wmv", "Wm"),
        (FORMATS / "sample.rm", "Rm"),
        (FORMATS / "sample.swf", "Swf"),
        (FORMATS / "sample.nsv", "Nsv"),
        (WORLD / "sox_ulaw.au", "Au"),
        (WORLD / "real_mutagen_silence_44_s.wv", "Wvpk"),
        (WORLD / "vpxenc_vp8.ivf", "Ivf"),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else value,
)
def test_a_named_parser_reports_what_trying_every_parser_reports(path: Path, parser: str) -> None:
    """Naming the parser (as a file name's extension would) only spares MediaInfo trying the others
    (twice as fast for AIFF): the report is the same."""
    data = path.read_bytes()
    assert parser_for(data[:16], lambda offset, length: data[offset : offset + length], len(data)) == parser

    def report(name: str) -> list[dict]:
        found = inspect(io.BytesIO(data), len(data), trace=False, deadline=time.monotonic() + 10, parser=name)
        return [track.__dict__ for track in [found.general, *found.tracks]]

    assert report(parser) == report("")


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\x47",
        b"\x47" + b"\0" * 300,
        b"ID3\x04\0\0\0\0\x7f\x7f",
        b"\xff\xff\xff\xff",
        b"plain text here!",
    ],
)
def test_unknown_or_unsure_content_lets_mediainfo_try_every_parser(head: bytes) -> None:
    assert parser_for(head, lambda offset, length: head[offset : offset + length], len(head)) == ""


def test_image_parsers() -> None:
    assert image_parser(b"\xff\xd8\xff\xe0") == "Jpeg"
    assert image_parser(b"\x89PNG\r\n\x1a\n\0") == "Png"
    assert image_parser(b"GIF89a") == ""


def test_a_small_object_goes_to_the_worker_whole() -> None:
    """MediaInfo reads an MP4's moov at its end first: for a small object, with the job, not one round
    trip per read. A larger one is read as MediaInfo asks, and both answer the same."""
    from imm_emulator.imm.media import workers

    class Counted(io.BytesIO):
        reads = 0

        def read(self, size: int | None = -1, /) -> bytes:
            type(self).reads += 1
            return super().read(size)

    data = (FIXTURES / "mp4_h264_aac.mp4").read_bytes()  # 82 KB, its moov past the first 64 KB
    assert workers._BUFFER < len(data) <= workers.SEND_WHOLE
    pool = workers.Workers(1)
    try:
        small = pool.parse(
            Counted(data), len(data), trace=False, deadline=time.monotonic() + 10, jump=False, parser="Mpeg4"
        )
        assert Counted.reads == 1  # the job's own read: nothing asked for afterwards
        Counted.reads = 0
        padded = data + b"\0" * workers.SEND_WHOLE  # too large to go whole: MediaInfo asks for the moov
        large = pool.parse(
            Counted(padded),
            len(padded),
            trace=False,
            deadline=time.monotonic() + 10,
            jump=False,
            parser="Mpeg4",
        )
        assert Counted.reads > 1
    finally:
        pool.close()
    assert "<Format>MPEG-4</Format>" in small[1] and "<Format>MPEG-4</Format>" in large[1]
