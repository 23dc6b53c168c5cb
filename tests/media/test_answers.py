"""The answer's shape: wire names and JSON types as the DetectMediaMeta documentation gives them, the
documented sample's shape, locations and addresses, HLS playlists."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from imm_emulator.imm.media import geo
from imm_emulator.imm.media.hls import parse
from imm_emulator.imm.media.probe import detect_media_meta
from imm_emulator.imm.media.source import FileSource
from tests.media.golden import FIXTURES

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "DetectMediaMeta.response.json"
# Types as the API documents them: int, float (JSON number) or str.
TOP = {
    "FormatName": str,
    "FormatLongName": str,
    "Size": int,
    "Duration": float,
    "StartTime": float,
    "Bitrate": int,
    "StreamCount": int,
    "ProgramCount": int,
    "VideoWidth": int,
    "VideoHeight": int,
    "Title": str,
    "Artist": str,
    "AlbumArtist": str,
    "Album": str,
    "Composer": str,
    "Performer": str,
    "Language": str,
    "ProduceTime": str,
    "LatLong": str,
    "Addresses": list,
    "VideoStreams": list,
    "AudioStreams": list,
    "Subtitles": list,
}
VIDEO = {
    "Index": int,
    "Language": str,
    "CodecName": str,
    "CodecLongName": str,
    "CodecTag": str,
    "CodecTagString": str,
    "CodecTimeBase": str,
    "Profile": str,
    "Level": int,
    "Width": int,
    "Height": int,
    "PixelFormat": str,
    "BitDepth": int,
    "ColorRange": str,
    "ColorSpace": str,
    "ColorTransfer": str,
    "ColorPrimaries": str,
    "FrameRate": str,
    "AverageFrameRate": str,
    "TimeBase": str,
    "StartTime": float,
    "Duration": float,
    "Bitrate": int,
    "FrameCount": int,
    "HasBFrames": int,
    "SampleAspectRatio": str,
    "DisplayAspectRatio": str,
    "Rotate": str,
}
AUDIO = {
    "Index": int,
    "Language": str,
    "CodecName": str,
    "CodecLongName": str,
    "CodecTag": str,
    "CodecTagString": str,
    "CodecTimeBase": str,
    "TimeBase": str,
    "SampleFormat": str,
    "SampleRate": int,
    "Channels": int,
    "ChannelLayout": str,
    "Bitrate": int,
    "StartTime": float,
    "Duration": float,
    "FrameCount": int,
    "Lyric": str,
}
SUBTITLE = {
    "Index": int,
    "Language": str,
    "CodecName": str,
    "CodecLongName": str,
    "CodecTag": str,
    "CodecTagString": str,
    "Content": str,
    "Bitrate": int,
    "Width": int,
    "Height": int,
    "StartTime": float,
    "Duration": float,
}
ADDRESS = {
    "AddressLine": str,
    "Country": str,
    "Province": str,
    "City": str,
    "District": str,
    "Township": str,
    "Language": str,
}


def _check_types(answer: dict, types: dict) -> None:
    for name, value in answer.items():
        assert name in types, f"{name} is not a documented field"
        assert type(value) is types[name], f"{name}={value!r} should be {types[name].__name__}"


def _check_answer(answer: dict) -> None:
    _check_types(answer, TOP)
    for key, types in (("VideoStreams", VIDEO), ("AudioStreams", AUDIO), ("Subtitles", SUBTITLE)):
        for stream in answer[key]:
            _check_types(stream, types)
    for address in answer.get("Addresses", []):
        _check_types(address, ADDRESS)


def _fixtures() -> list[Path]:
    return sorted(p.with_name(p.name[: -len(".expected.json")]) for p in FIXTURES.rglob("*.expected.json"))


@pytest.mark.parametrize("media", _fixtures(), ids=lambda p: p.name)
def test_every_answer_has_documented_names_and_types(media: Path) -> None:
    answer = detect_media_meta(FileSource(media))
    _check_answer(answer)
    if SCHEMA.is_file():
        jsonschema.validate({"RequestId": "X", **answer}, json.loads(SCHEMA.read_text()))


def test_doc_sample_shape_matches_the_documented_sample() -> None:
    """The documented answer: mov,mp4 'QuickTime / MOV', h264 High, CodecTag 0x31637661 (avc1), Level as
    an int, bt709 colours in tv range, aac fltp stereo with tag 0x6134706d (mp4a), times as floats."""
    answer = detect_media_meta(FileSource(FIXTURES / "doc_sample_1080p60.mp4"))
    assert answer["FormatName"] == "mov,mp4,m4a,3gp,3g2,mj2"
    assert answer["FormatLongName"] == "QuickTime / MOV"
    assert (answer["VideoWidth"], answer["VideoHeight"], answer["StreamCount"]) == (1920, 1080, 2)
    video, audio = answer["VideoStreams"][0], answer["AudioStreams"][0]
    assert {
        k: video[k]
        for k in (
            "CodecName",
            "CodecTag",
            "CodecTagString",
            "Profile",
            "Level",
            "FrameRate",
            "AverageFrameRate",
            "ColorRange",
            "ColorSpace",
            "ColorTransfer",
            "ColorPrimaries",
            "PixelFormat",
            "BitDepth",
            "HasBFrames",
            "Language",
        )
    } == {
        "CodecName": "h264",
        "CodecTag": "0x31637661",
        "CodecTagString": "avc1",
        "Profile": "High",
        "Level": 42,
        "FrameRate": "60/1",
        "AverageFrameRate": "60/1",
        "ColorRange": "tv",
        "ColorSpace": "bt709",
        "ColorTransfer": "bt709",
        "ColorPrimaries": "bt709",
        "PixelFormat": "yuv420p",
        "BitDepth": 8,
        "HasBFrames": 2,
        "Language": "en",
    }
    assert {
        k: audio[k]
        for k in (
            "CodecName",
            "CodecTag",
            "CodecTagString",
            "SampleFormat",
            "SampleRate",
            "Channels",
            "ChannelLayout",
            "Language",
        )
    } == {
        "CodecName": "aac",
        "CodecTag": "0x6134706d",
        "CodecTagString": "mp4a",
        "SampleFormat": "fltp",
        "SampleRate": 48000,
        "Channels": 2,
        "ChannelLayout": "stereo",
        "Language": "en",
    }
    sample_fields = {
        "Index",
        "Language",
        "CodecName",
        "CodecLongName",
        "Profile",
        "CodecTagString",
        "CodecTag",
        "Width",
        "Height",
        "HasBFrames",
        "SampleAspectRatio",
        "DisplayAspectRatio",
        "PixelFormat",
        "Level",
        "FrameRate",
        "AverageFrameRate",
        "TimeBase",
        "StartTime",
        "Duration",
        "Bitrate",
        "FrameCount",
        "BitDepth",
        "ColorSpace",
        "ColorRange",
        "ColorTransfer",
        "ColorPrimaries",
    }
    assert set(video) == sample_fields  # the sample's fields less CodecTimeBase and Rotate (none here)
    assert isinstance(answer["Duration"], float) and isinstance(video["StartTime"], float)
    assert answer["ProduceTime"] == "2023-09-12T08:15:00Z"


def test_iphone_location_rotation_and_address() -> None:
    answer = detect_media_meta(FileSource(FIXTURES / "mov_iphone_rotate_gps.mov"))
    assert answer["LatLong"] == "+30.274100,+120.155100"
    assert answer["VideoStreams"][0]["Rotate"] == "90"
    if geo.addresses(0.0, 0.0) is None and geo._nearest(0.0, 0.0) is None:
        pytest.skip("reverse_geocode not installed")
    address = answer["Addresses"][0]
    assert (address["Country"], address["Province"], address["Language"]) == ("China", "Zhejiang", "en")
    assert "Zhejiang" in address["AddressLine"]


def test_android_xyz_and_3gpp_loci_locations() -> None:
    assert (
        detect_media_meta(FileSource(FIXTURES / "portrait_android_gps.mp4"))["LatLong"]
        == "+48.858400,+2.294500"
    )
    assert (
        detect_media_meta(FileSource(FIXTURES / "mp4_languages_subs.mp4"))["LatLong"]
        == "+35.689500,+139.691700"
    )


def test_no_address_far_out_at_sea() -> None:
    if geo._nearest(0.0, 0.0) is None:
        pytest.skip("reverse_geocode not installed")
    assert geo.addresses(-40.0, -120.0) is None  # South Pacific


def test_playlist_parsing_of_master_and_media_playlists() -> None:
    master = parse(
        '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",URI="audio/en.m3u8"\n'
        "#EXT-X-STREAM-INF:BANDWIDTH=800000\nlow/index.m3u8\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=2000000\nhigh/index.m3u8\n"
    )
    assert master.variants == ["audio/en.m3u8", "low/index.m3u8", "high/index.m3u8"] and master.programs == 2
    media = parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\na.ts\n#EXTINF:3.5,\nb.ts\n#EXT-X-ENDLIST\n"
    )
    assert media.segments == [(4.0, "a.ts"), (3.5, "b.ts")] and media.finished


def test_playlist_with_a_missing_segment_is_an_error(tmp_path: Path) -> None:
    from imm_emulator.errors import ImmError

    playlist = tmp_path / "broken.m3u8"
    playlist.write_text("#EXTM3U\n#EXTINF:2.0,\nmissing.ts\n#EXT-X-ENDLIST\n")
    with pytest.raises(ImmError) as caught:
        detect_media_meta(FileSource(playlist))
    assert caught.value.code == "InvalidArgument" and "missing.ts" in caught.value.message
