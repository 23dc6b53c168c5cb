"""Everything known about one probed file while its answer is built: MediaInfo's report, the demuxer
ffprobe would use, and the facts read from MediaInfo's trace."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from pymediainfo import Track

from . import asf, au, avi, boxes, ebml, mp3, mp4, ogg, probe_window, trace, wav, wavpack
from .containers import Container
from .mediainfo import Inspection, inspect
from .sniff import image_parser

COVER_LIMIT = 4 * 1024 * 1024


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
    mp3_encoder_tag: bool | None = None  # the Xing/Info frame names its encoder (None: no such frame)
    ogg_video_frames: dict[int, int] = field(default_factory=dict)  # Ogg serial -> last granule as frames
    avi_headers: list[avi.AudioHeader] = field(default_factory=list)  # AVI audio strh, in stream order
    matroska_tick: Fraction = Fraction(1, 1000)  # Matroska TimestampScale: its streams' time base
    matroska_duration: Fraction | None = None  # Segment Info's Duration, in seconds
    attached_pictures: int = 0  # Matroska attachments shown as video streams (the rest are attachments)

    @classmethod
    def read(
        cls, container: Container, inspection: Inspection, size: int, read_range: Callable[[int, int], bytes]
    ) -> Facts:
        assert inspection.general is not None
        facts = cls(container, inspection.general, inspection, size)
        text = inspection.trace
        if text:
            if container.time_base == "mp4":
                facts.movie = trace.mp4(text)
                facts._read_boxes(text, read_range)
                if facts.movie.fragmented:
                    facts._read_fragments(read_range)
                for cover in trace.mp4_covers(text):
                    facts.read_picture(cover, read_range)
            elif container.name == "flv":
                facts.flv = trace.flv(text)
            elif container.name == "mp3":
                facts.mp3 = trace.mp3(text)
            elif container.name == "ogg":
                facts.ogg_granule = trace.ogg_last_granule(text)
            elif container.name == "flac":
                facts._read_cover(text, read_range)
            facts.video_timing = trace.vui(text)
        if container.name == "matroska,webm":
            facts._read_matroska(read_range)
        if container.name == "au" and (found := au.header(read_range, size)):
            for track in inspection.of_type("Audio"):
                au.describe(track, found)
        if container.name == "wv" and (samples := wavpack.total_samples(read_range)):
            for track in inspection.of_type("Audio"):
                wavpack.describe(track, samples)
        if container.name == "ogg" and inspection.of_type("Video"):
            facts.ogg_video_frames = ogg.video_lengths(read_range, size)
        if container.name == "avi":
            facts.avi_headers = avi.audio_headers(read_range, size)
        if container.name == "asf":
            facts.asf = asf.timing(read_range, size, len(inspection.of_type("Video", "Audio", "Text")))
        if container.name == "swf":  # the movie's frame rate is the video's (swfdec: 1/frame rate)
            for track in inspection.of_type("Video"):
                if not track.frame_rate:
                    setattr(track, "frame_rate", inspection.general.frame_rate)  # noqa: B010 (Track is untyped)
        if container.name == "wav":
            facts.wav_byte_rate = wav.byte_rate(read_range, size)
            for picture in wav.id3_pictures(read_range, size):
                facts.read_picture(picture, read_range)
        if container.name == "mp3":
            facts.mp3_window = probe_window.mp3_window(read_range, size)
            facts.mp3_encoder_tag = mp3.encoder_tag(read_range)
        elif container.name == "aac":
            facts.adts_frames = probe_window.adts_frame_lengths(read_range, size)
        return facts

    def _read_boxes(self, text: str, read_range: Callable[[int, int], bytes]) -> None:
        for name, (offset, length) in trace.payloads(text, {"loci", "dOps"}).items():
            if length > boxes.READ_LIMIT:
                continue
            payload = read_range(offset, length)
            if name == "loci":
                self.location = boxes.loci_position(payload)
            else:
                self.opus_channels = boxes.opus_channels(payload)

    def _read_fragments(self, read_range: Callable[[int, int], bytes]) -> None:
        """A fragmented file's samples are in its moof boxes: each track lasts, counts and weighs as they
        say (mov.c reads them all when it opens a seekable file, or only the first where a segment index
        covering the file stands for the rest)."""
        assert self.movie is not None
        found = mp4.fragments(read_range, self.size)
        for track_id, totals in found.tracks.items():
            track = self.movie.tracks.get(track_id)
            if track is None or not totals.samples:
                continue
            track.media_duration = max(track.media_duration or 0, totals.end)
            if track_id in found.indexed and track.timescale:
                scale, length = found.indexed[track_id]
                track.media_duration = length * track.timescale // scale
                if totals.first_pts is not None:  # decoded from the index's earliest time, not the tfdt
                    earliest = found.earliest[track_id] * track.timescale // scale
                    totals.first_pts += earliest - totals.first_decode
            track.stts_duration += totals.duration
            track.stts_samples += totals.samples
            track.sample_bytes = (track.sample_bytes or 0) + totals.size
            track.first_pts = None if totals.first_pts is None else totals.first_pts + totals.dts_shift

    def _read_matroska(self, read_range: Callable[[int, int], bytes]) -> None:
        date, scale, duration = ebml.segment_info(read_range, self.size)
        self.matroska_tick = Fraction(scale, 1_000_000_000)
        if duration is not None:  # matroskadec: Duration x TimestampScale, in microseconds (truncated)
            self.matroska_duration = Fraction(int(duration * scale / 1000), 1_000_000)
        if date is not None:  # matroskadec: date_utc / 1000 (C division) + 2001-01-01 in microseconds
            self.creation_us = (date // 1000 if date >= 0 else -(-date // 1000)) + 978_307_200_000_000
        for mime, offset, length in ebml.attached_images(read_range, self.size):
            self.attached_pictures += self.read_picture(trace.Picture(mime, offset, length), read_range)

    def _read_cover(self, text: str, read_range: Callable[[int, int], bytes]) -> None:
        self.read_picture(trace.flac_picture(text), read_range)

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
