"""MPEG-TS and MPEG-PS (VOB, DAT): ffprobe's mpegts and mpeg demuxers, and the highest PES timestamps in
the tail of the file, which time their streams.

ffprobe times MPEG-TS/PS streams from the last packets' PTS (libavformat estimate_timings_from_pts: the
last PES's PTS plus one frame, for each stream). An audio PES often carries several frames, so that end
is earlier than the stream's real end, which is what MediaInfo reports; and MediaInfo's trace of the
tail costs more than the whole probe. So the timestamps are read here from the PES headers themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from .family import Family
from .mp3 import adts_length, frame_bitrate
from .probe_window import running_average
from .timing import frame_rate, sample_rate, samples_per_frame, vui_rate
from .values import exact, integer, rescale

if TYPE_CHECKING:
    from .facts import Facts

Read = Callable[[int, int], bytes]

TAIL = 256 * 1024  # about what libavformat reads from the end (DURATION_MAX_READ_SIZE)
_TS_PACKET = 188
_NO_PTS_STREAMS = {0xBC, 0xBE, 0xBF, 0xF0, 0xF1, 0xF2, 0xF8, 0xFF}


def _pts(data: bytes, at: int) -> int | None:
    if at + 5 > len(data):
        return None
    b = data[at : at + 5]
    return ((b[0] >> 1) & 7) << 30 | (b[1] << 7 | b[2] >> 1) << 15 | (b[3] << 7 | b[4] >> 1)


def _mpeg2_pes_pts(data: bytes, at: int) -> int | None:
    """PTS of the PES header starting at ``at`` (00 00 01 stream_id ...), MPEG-2 or MPEG-1 syntax."""
    if at + 9 > len(data) or data[at + 3] in _NO_PTS_STREAMS:
        return None
    if data[at + 6] & 0xC0 == 0x80:  # MPEG-2 PES header
        return _pts(data, at + 9) if data[at + 7] & 0x80 else None
    cursor = at + 6  # MPEG-1: stuffing, optional STD buffer, then the timestamp flags
    while cursor < len(data) and data[cursor] == 0xFF and cursor < at + 22:
        cursor += 1
    if cursor < len(data) and data[cursor] & 0xC0 == 0x40:
        cursor += 2
    if cursor < len(data) and data[cursor] & 0xE0 == 0x20:
        return _pts(data, cursor)
    return None


def transport_stream(tail: bytes) -> dict[int, int]:
    """PID -> the highest PES PTS in ``tail`` (any alignment)."""
    start = next((i for i in range(min(_TS_PACKET, len(tail))) if _synced(tail, i)), None)
    found: dict[int, int] = {}
    if start is None:
        return found
    for at in range(start, len(tail) - _TS_PACKET + 1, _TS_PACKET):
        packet = tail[at : at + _TS_PACKET]
        if packet[0] != 0x47 or not packet[1] & 0x40:
            continue
        payload = 4
        if packet[3] & 0x20:
            payload += 1 + packet[4]
        if packet[3] & 0x10 and packet[payload : payload + 3] == b"\0\0\1":
            pts = _mpeg2_pes_pts(packet, payload)
            if pts is not None:
                pid = (packet[1] & 0x1F) << 8 | packet[2]
                found[pid] = max(pts, found.get(pid, pts))
    return found


def elementary_stream(data: bytes, pid: int, limit: int = 1 << 20) -> bytes:
    """The payload of one MPEG-TS PID in ``data`` (from its start), PES headers removed: the video
    elementary stream, whose SPS MediaInfo can trace without tracing every TS packet around it."""
    start = next((i for i in range(min(_TS_PACKET, len(data))) if _synced(data, i)), None)
    if start is None:
        return b""
    high, low = pid >> 8 & 0x1F, pid & 0xFF
    out = bytearray()
    for at in range(start, len(data) - _TS_PACKET + 1, _TS_PACKET):
        if data[at] != 0x47 or data[at + 1] & 0x1F != high or data[at + 2] != low or not data[at + 3] & 0x10:
            continue
        payload = at + 4 + (1 + data[at + 4] if data[at + 3] & 0x20 else 0)
        end = at + _TS_PACKET
        if data[at + 1] & 0x40 and data[payload : payload + 3] == b"\0\0\1" and payload + 8 < end:
            payload += 9 + data[payload + 8]  # PES header (MPEG-2 syntax, as in every TS)
        if payload < end:
            out += data[payload:end]
            if len(out) >= limit:
                break
    return bytes(out)


def program_stream(tail: bytes) -> dict[str, int]:
    """Stream id ('192', or '189-128' for a private substream, as MediaInfo names them) -> highest PTS."""
    found: dict[str, int] = {}
    at = tail.find(b"\0\0\1")
    while 0 <= at < len(tail) - 6:
        stream_id = tail[at + 3]
        if stream_id < 0xBD:
            at = tail.find(b"\0\0\1", at + 3)
            continue
        length = tail[at + 4] << 8 | tail[at + 5]
        pts = _mpeg2_pes_pts(tail, at)
        if pts is not None:
            key = str(stream_id)
            if stream_id == 0xBD:
                header = 9 + tail[at + 8] if tail[at + 6] & 0xC0 == 0x80 and at + 8 < len(tail) else None
                if header is not None and at + header < len(tail):
                    key = f"{stream_id}-{tail[at + header]}"
            found[key] = max(pts, found.get(key, pts))
        at = tail.find(b"\0\0\1", at + 6 + length)
    return found


def _synced(data: bytes, offset: int) -> bool:
    return all(data[i] == 0x47 for i in range(offset, min(len(data), offset + 5 * _TS_PACKET), _TS_PACKET))


HEAD = 512 * 1024  # libavformat's find_stream_info meets every stream of a program stream in less
TS_HEAD = 64 * 1024  # a PAT is repeated every 100 ms at most


def _packets(head: bytes):
    """(stream code, offset, packet length) of each system-level packet of a program stream, walking
    from pack to pack (a pack header's length is its own; the rest state a 16-bit length)."""
    at = head.find(b"\0\0\1")
    while 0 <= at and at + 6 <= len(head):
        code = head[at + 3]
        if code == 0xBA:  # pack header: MPEG-2 (14 bytes and stuffing) or MPEG-1 (12 bytes)
            mpeg2 = at + 14 <= len(head) and head[at + 4] & 0xC0 == 0x40
            step = 14 + (head[at + 13] & 7) if mpeg2 else 12
        elif code >= 0xBB:  # system header, PSM, padding or a PES: a 16-bit length follows
            step = 6 + int.from_bytes(head[at + 4 : at + 6], "big")
            yield code, at, step
        else:
            step = 4  # not a packet start: look for the next one
        at += step
        if at + 4 <= len(head) and head[at : at + 3] != b"\0\0\1":
            at = head.find(b"\0\0\1", at)


def program_stream_order(head: bytes) -> list[str]:
    """The PES streams of an MPEG program stream in the order they first appear, as the mpeg demuxer
    creates them (so as ffprobe indexes them), named as MediaInfo's track IDs: '224' for 0xE0, '189-128'
    for private stream 1's sub-stream 0x80, '191' for DVD navigation packets (private stream 2)."""
    order: list[str] = []
    for code, at, _length in _packets(head):
        key = _stream_key(head, at, code)
        if key is not None and key not in order:
            order.append(key)
    return order


def _stream_key(head: bytes, at: int, code: int) -> str | None:
    if code in (0xBB, 0xBC, 0xBE) or code > 0xEF and code != 0xFD:
        return None
    if code != 0xBD:
        return str(code)
    payload = at + 9 + head[at + 8] if at + 9 <= len(head) and head[at + 6] & 0xC0 == 0x80 else None
    if payload is None or payload >= len(head):
        return None
    return f"189-{head[payload]}"


def transport_programs(head: bytes) -> int | None:
    """How many programs the first Program Association Table lists (the NIT entry, program 0, is not
    one): ffprobe's nb_programs. None when no PAT is in ``head``."""
    start = next((i for i in range(min(_TS_PACKET, len(head))) if _synced(head, i)), None)
    if start is None:
        return None
    for at in range(start, len(head) - _TS_PACKET + 1, _TS_PACKET):
        packet = head[at : at + _TS_PACKET]
        pid = (packet[1] & 0x1F) << 8 | packet[2]
        if packet[0] != 0x47 or pid != 0 or not packet[1] & 0x40:  # the PAT, starting in this packet
            continue
        offset = 4 + (1 + packet[4] if packet[3] & 0x20 else 0)  # after any adaptation field
        if offset >= _TS_PACKET:
            return None
        offset += 1 + packet[offset]  # pointer field
        if offset + 8 > _TS_PACKET or packet[offset] != 0x00:
            return None
        length = (packet[offset + 1] & 0x0F) << 8 | packet[offset + 2]
        entries = packet[offset + 8 : min(offset + 3 + length - 4, _TS_PACKET)]
        numbers = [entries[i] << 8 | entries[i + 1] for i in range(0, len(entries) - 3, 4)]
        return len([number for number in numbers if number != 0])
    return None


AUDIO_HEAD = 2 * 1024 * 1024  # the part of a stream whose audio frames are averaged


def transport_audio_rates(head: bytes, pid: int, codec: str, sample_rate: int) -> list[int]:
    """The bit rate of each AAC (ADTS) or MPEG audio frame carried on ``pid`` in ``head``, in order:
    ffprobe's parser averages them into the stream's bit rate while probing (MediaInfo states none for
    AAC, and the first frame's for VBR MPEG audio)."""
    return frame_rates(elementary_stream(head, pid, len(head)), codec, sample_rate)


def program_audio_rates(head: bytes, stream_id: int, codec: str, sample_rate: int) -> list[int]:
    """As transport_audio_rates, for the PES packets of ``stream_id`` in a program stream."""
    payload = bytearray()
    for code, at, length in _packets(head):
        if code != stream_id:
            continue
        body = head[at + 6 : at + length]
        if body[:1] and body[0] & 0xC0 == 0x80 and len(body) > 3:  # MPEG-2 PES header
            payload += body[3 + body[2] :]
            continue
        cursor = 0  # MPEG-1: stuffing, STD buffer, then the timestamps
        while cursor < len(body) and body[cursor] == 0xFF:
            cursor += 1
        if cursor < len(body) and body[cursor] & 0xC0 == 0x40:
            cursor += 2
        flags = body[cursor] >> 4 if cursor < len(body) else 0
        payload += body[cursor + {2: 5, 3: 10}.get(flags, 1) :]
    return frame_rates(bytes(payload), codec, sample_rate)


def frame_rates(payload: bytes, codec: str, sample_rate: int) -> list[int]:
    """The bit rates of the ADTS ('aac') or MPEG audio frames found one after another in ``payload``."""
    rates, at = [], 0
    while at + 7 <= len(payload):
        if codec == "aac":
            length = adts_length(payload[at : at + 7])
            if length is None:
                at += 1
                continue
            rates.append(length * 8 * sample_rate // 1024)
        else:
            frame = frame_bitrate(payload[at : at + 4])
            if frame is None:
                at += 1
                continue
            length = frame[0]
            rates.append(frame[1])
        at += length
    return rates


class _Pes(Family):
    """A stream whose packets carry no timestamps (none in the tail) has no times for ffprobe."""

    from_pts = True

    def start(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        return super().start(track, kind, codec, facts) if facts.last_pts else None

    def duration(
        self, track: Track, kind: str, codec: str | None, facts: Facts, time_base: Fraction
    ) -> int | None:
        return super().duration(track, kind, codec, facts, time_base) if facts.last_pts else None

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rate = sample_rate(track)
        if kind == "audio" and rate:
            spf = samples_per_frame(track, codec)
            end = self._last_packet_end(track, Fraction(spf, rate), facts) if spf else None
        elif kind == "video":
            fps = frame_rate(track) or vui_rate(codec, facts)
            end = self._last_packet_end(track, Fraction(1) / fps, facts) if fps else None
        else:
            end = None
        return super().seconds(track, kind, codec, facts) if end is None else end

    def bitrate(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        stream = integer(str(track.track_id).split("-")[0])
        if kind == "audio" and stream in facts.audio_bitrates:
            return facts.audio_bitrates[stream or 0]
        return super().bitrate(track, kind, codec, facts)

    def _key(self, track: Track) -> int | str | None:
        raise NotImplementedError

    def _last_packet_end(self, track: Track, frame: Fraction, facts: Facts) -> Fraction | None:
        """estimate_timings_from_pts: the highest PES PTS plus one frame (rounded down), less the start."""
        key = self._key(track)
        last = None if key is None else facts.last_pts.get(key)
        delay = exact(track.delay)
        if last is None or delay is None:
            return None
        tick = Fraction(1, 90000)
        ticks = last + int(frame / tick) - rescale(delay / 1000, tick)
        return ticks * tick if ticks > 0 else None


class ProgramStream(_Pes):
    def read(self, facts: Facts, read: Read, text: str) -> None:
        """ffprobe indexes a program stream's streams as their first packets arrive; a stream map
        declares MPEG audio as MP3; the last timestamps time the streams."""
        head = read(0, min(HEAD, facts.size))
        facts.ps_order, facts.ps_stream_map = program_stream_order(head), b"\0\0\1\xbc" in head
        for track in facts.inspection.of_type("Video", "Audio", "Text"):
            if str(track.track_id) in facts.ps_order:
                setattr(track, "streamorder", str(facts.ps_order.index(str(track.track_id))))  # noqa: B010
        tail = read(max(0, facts.size - TAIL), min(TAIL, facts.size))
        facts.last_pts = dict(program_stream(tail).items())  # stream ids (str)
        _average_audio_rates(facts, read, program_audio_rates)

    def _key(self, track: Track) -> int | str | None:
        return str(track.track_id or "")

    def unlisted_streams(self, facts: Facts) -> int:
        return int("191" in facts.ps_order)  # DVD navigation packets: a data stream (dvd_nav_packet)


class TransportStream(_Pes):
    def read(self, facts: Facts, read: Read, text: str) -> None:
        tail = read(max(0, facts.size - TAIL), min(TAIL, facts.size))
        facts.last_pts = dict(transport_stream(tail).items())  # PIDs (int)
        facts.ts_programs = transport_programs(read(0, min(TS_HEAD, facts.size)))
        _average_audio_rates(facts, read, transport_audio_rates)

    def _key(self, track: Track) -> int | str | None:
        return integer(track.track_id)


def _average_audio_rates(
    facts: Facts, read: Read, rates_of: Callable[[bytes, int, str, int], list[int]]
) -> None:
    """ffprobe's AAC and MPEG audio parsers average the frames they probe into the bit rate, where
    MediaInfo states none (AAC) or the first frame's (VBR MPEG audio)."""
    tracks = [t for t in facts.inspection.of_type("Audio") if t.format in ("AAC", "MPEG Audio")]
    head = read(0, min(AUDIO_HEAD, facts.size)) if tracks else b""
    for track in tracks:
        stream, rate = integer(str(track.track_id).split("-")[0]), integer(track.sampling_rate)
        if stream is not None and rate:
            rates = rates_of(head, stream, "aac" if track.format == "AAC" else "mpeg", rate)
            if rates:
                facts.audio_bitrates[stream] = running_average(rates)
