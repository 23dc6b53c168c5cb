"""Fixtures for the label tests: a session-wide factory of small generated videos."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.labels.media import FFMPEG, FFPROBE, ffmpeg, lavfi_video, set_mp4_rotation

GRAIN = "noise=alls=25:allf=t"  # film grain: texture (and a little motion) like a camera's
TONE = ["-f", "lavfi", "-i", "sine=frequency=440:duration=2"]
AAC = ["-c:a", "aac", "-shortest"]

# name -> how to make it (a function of the output path). Each takes ~0.1 s.
SPECS = {
    "testsrc.mp4": lambda p: lavfi_video(p, "testsrc2=size=320x240:rate=25"),
    "testsrc_tone.mp4": lambda p: ffmpeg(
        p, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", *TONE,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *AAC,
    ),
    "noise.mp4": lambda p: lavfi_video(p, "nullsrc=s=160x120:r=25,geq=lum='random(1)*255':cb=128:cr=128"),
    "mandel.mp4": lambda p: lavfi_video(p, "mandelbrot=size=320x240:rate=25", seconds=3),
    "red.mp4": lambda p: lavfi_video(p, "color=c=red:s=160x120:r=25"),
    "lime.mp4": lambda p: lavfi_video(p, "color=c=0x00ff00:s=160x120:r=25"),
    "blue.mp4": lambda p: lavfi_video(p, "color=c=blue:s=160x120:r=25"),
    "yellow.mp4": lambda p: lavfi_video(p, "color=c=yellow:s=160x120:r=25"),
    "white.mp4": lambda p: lavfi_video(p, "color=c=white:s=160x120:r=25"),
    "black.mp4": lambda p: lavfi_video(p, "color=c=black:s=160x120:r=25"),
    "bars_tone.mp4": lambda p: ffmpeg(
        p, "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=2", *TONE,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *AAC,
    ),
    "sky_grass.mp4": lambda p: lavfi_video(
        p, "color=c=0x4a90e2:s=320x240:r=25,drawbox=y=120:w=320:h=120:color=0x2e8b57:t=fill," + GRAIN
    ),
    "flat_sky_grass.mp4": lambda p: lavfi_video(
        p, "color=c=0x4a90e2:s=320x240:r=25,drawbox=y=120:w=320:h=120:color=0x2e8b57:t=fill"
    ),
    # sky on the coded frame's left third: only the top once turned 90 degrees clockwise for display
    "sky_left_rotated.mp4": lambda p: set_mp4_rotation(lavfi_video(
        p, "color=c=0x4a90e2:s=360x240:r=25,drawbox=x=120:w=240:h=240:color=0x2e8b57:t=fill," + GRAIN
    ), 90),
    "dark.mp4": lambda p: lavfi_video(
        p, "testsrc2=size=320x240:rate=25,eq=brightness=-0.3:contrast=0.4:saturation=0.3"
    ),
    "gray.mp4": lambda p: lavfi_video(p, "testsrc2=size=320x240:rate=25,hue=s=0"),
    "red_then_blue.mp4": lambda p: lavfi_video(
        p, "color=c=red:s=160x120:r=25:d=4[a];color=c=blue:s=160x120:r=25:d=4[b];[a][b]concat=n=2:v=1",
        seconds=8,
    ),
    "portrait_rotated.mp4": lambda p: set_mp4_rotation(lavfi_video(p, "testsrc2=size=320x180:rate=30"), 90),
    "phone_screen.mp4": lambda p: lavfi_video(p, "testsrc2=size=216x468:rate=30"),
    "long_gop.mkv": lambda p: lavfi_video(p, "testsrc2=size=320x240:rate=25", seconds=3, gop=250),
    "bframes_10s.mp4": lambda p: lavfi_video(
        p, "testsrc2=size=640x360:rate=25", "-c:v", "libx264", "-preset", "superfast", "-bf", "2",
        "-pix_fmt", "yuv420p", seconds=10, gop=50,
    ),
    "tone.m4a": lambda p: ffmpeg(p, *TONE, "-c:a", "aac"),
}  # fmt: skip


class Videos:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, name: str) -> Path:
        path = self.root / name
        if not path.exists():
            SPECS[name](path)
        return path


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory) -> Videos:
    if not (FFMPEG and FFPROBE):
        pytest.skip("ffmpeg/ffprobe not installed (apt-get install -y ffmpeg)")
    return Videos(tmp_path_factory.mktemp("label-media"))
