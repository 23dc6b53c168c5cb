"""Which family module speaks for each FFmpeg demuxer. The route of a file is sniff -> MediaInfo ->
its family's ``read`` (what the demuxer takes from the bytes beyond MediaInfo's report) -> streams,
timed by the family's rules (timing.py) -> render. A demuxer with no module of its own follows the
defaults of family.py: MediaInfo's figures in the time base data/containers.json names."""

from __future__ import annotations

from . import aiff, asf, au, avi, ebml, flac, flv, nsv, ogg, pes, rawaudio, swf, trace, wav, wavpack
from .facts import Facts
from .family import Family, Read
from .mp4 import Mp4

FAMILIES: dict[str, Family] = {
    "mov,mp4,m4a,3gp,3g2,mj2": Mp4(),
    "matroska,webm": ebml.Matroska(),
    "mpegts": pes.TransportStream(),
    "mpeg": pes.ProgramStream(),
    "avi": avi.Avi(),
    "flv": flv.Flv(),
    "ogg": ogg.Ogg(),
    "wav": wav.Wav(),
    "aiff": aiff.Aiff(),
    "mp3": rawaudio.Mp3(),
    "aac": rawaudio.Adts(),
    "flac": flac.Flac(),
    "au": au.Au(),
    "wv": wavpack.WavPack(),
    "asf": asf.Asf(),
    "swf": swf.Swf(),
    "nsv": nsv.Nsv(),
}
_DEFAULT = Family()


def family_for(demuxer: str) -> Family:
    return FAMILIES.get(demuxer, _DEFAULT)


def read_facts(facts: Facts, read: Read) -> Facts:
    """Add what the container's family reads, and the video's VUI timing from the trace."""
    text = facts.inspection.trace
    family_for(facts.container.name).read(facts, read, text)
    if text:
        facts.video_timing = trace.vui(text)
    return facts
