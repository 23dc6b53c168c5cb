"""Everything known about one probed file while its answer is built: MediaInfo's report, the demuxer
ffprobe would use, and the facts its family's module (families.py) took from the trace and bytes."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from pymediainfo import Track

from . import asf, avi, trace
from .containers import Container
from .mediainfo import Inspection, inspect
from .sniff import image_parser

COVER_LIMIT = 4 * 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass
class Facts:
    container: Container
    general: Track
    inspection: Inspection
    size: int
    movie: trace.Mp4Movie | None = None
    flv: trace.FlvFacts | None = None
    mp3: trace.Mp3Facts | None = None
    ogg_granule: int | None = None
    video_timing: trace.VideoTiming = field(default_factory=trace.VideoTiming)
    location: tuple[float, float] | None = None  # from a 3GPP loci box
    opus_channels: tuple[int, int] | None = None
    jpeg_chroma: str | None = None  # MJPEG: MediaInfo omits the chroma subsampling of the frames
    jpeg_limited_range: bool = False  # MJPEG frames marked 'CS=ITU601' (limited range)
    adts_frames: list[int] = field(default_factory=list)  # the ADTS frame lengths ffprobe's probing reads
    mp3_window: tuple[int, int] | None = None  # ffprobe's probed MP3 bit rate, offset of the first frame
    last_pts: dict[int | str, int] = field(default_factory=dict)  # MPEG-TS PID / PS stream id -> last PTS
    default_durations: dict[int, int] = field(default_factory=dict)  # Matroska track number -> ns
    aiff_frames: int | None = None  # the COMM chunk's numSampleFrames
    creation_us: int | None = None  # Matroska DateUTC in microseconds since 1970, as ffprobe keeps it
    wav_byte_rate: int | None = None  # the fmt chunk's nAvgBytesPerSec
    ps_order: list[str] = field(default_factory=list)  # MPEG-PS stream ids as they first appear
    ps_stream_map: bool = False  # MPEG-PS: a program stream map (PSM) precedes the streams
    asf: asf.AsfTiming | None = None
    ts_programs: int | None = None  # MPEG-TS: the programs of the first PAT
    audio_bitrates: dict[int, int] = field(default_factory=dict)  # TS PID / PS stream id -> parser's average
    mp3_encoder_tag: bool | None = None  # the Xing/Info frame names its encoder (None: no such frame)
    ogg_video_frames: dict[int, int] = field(default_factory=dict)  # Ogg serial -> last granule as frames
    ogg_starts: dict[int, int] = field(default_factory=dict)  # Ogg Speex serial -> first sample (may be < 0)
    unstated_aspect: list[Track] = field(default_factory=list)  # pictures ffprobe gives no aspect ratio
    avi_headers: list[avi.AudioHeader] = field(default_factory=list)  # AVI audio strh, in stream order
    matroska_tick: Fraction = Fraction(1, 1000)  # Matroska TimestampScale: its streams' time base
    matroska_duration: Fraction | None = None  # Segment Info's Duration, in seconds
    unread_tags: set[str] = field(default_factory=set)  # tags MediaInfo reports from boxes ffprobe skips
    attached_pictures: int = 0  # Matroska attachments shown as video streams (the rest are attachments)

    def read_picture(self, picture: trace.Picture | None, read_range: Callable[[int, int], bytes]) -> int:
        """A FLAC PICTURE or a Matroska image attachment: ffprobe shows it as an attached-picture stream;
        MediaInfo only says 'Cover: Yes' or names the file. Let MediaInfo describe the image bytes
        themselves and list that as an Image track. -> the number of tracks added."""
        if picture is None or not 0 < picture.length <= COVER_LIMIT:
            return 0
        image = read_range(picture.offset, picture.length)
        described = inspect(
            io.BytesIO(image),
            len(image),
            trace=False,
            deadline=time.monotonic() + 0.5,
            parser=image_parser(image),
        )
        images = described.of_type("Image")
        self.inspection.tracks.extend(images)
        if image[:8] == PNG and b"pHYs" not in image[: image.find(b"IDAT")]:
            self.unstated_aspect.extend(images)  # pngdec's aspect ratio comes from pHYs alone
        return len(images)

    def avi_audio(self, track: Track) -> avi.AudioHeader | None:
        """The stream header of an AVI audio track (matched by its place among the audio tracks)."""
        tracks = self.inspection.of_type("Audio")
        place = next((i for i, t in enumerate(tracks) if t is track), None)
        return None if place is None or place >= len(self.avi_headers) else self.avi_headers[place]

    def mp4_track(self, track: Track) -> trace.Mp4Track | None:
        if self.movie is None or track.track_id in (None, ""):
            return None
        try:
            return self.movie.tracks.get(int(str(track.track_id).split(" ")[0]))
        except ValueError:
            return None
