"""Top-level tags: title and credits, language, production time and location."""

from __future__ import annotations

import datetime
from typing import Any

from .facts import Facts
from .values import iso6709, rfc3339

# MediaInfo General field -> DetectMediaMeta field. ID3's TPE3 (FFmpeg "performer") is MediaInfo's Conductor.
_CREDITS = {
    "Title": "title",
    "Artist": "performer",
    "AlbumArtist": "album_performer",
    "Album": "album",
    "Composer": "composer",
    "Performer": "conductor",
}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_STREAM_TAGGED = {"ogg"}
_RIFF = {"wav", "avi"}  # FFmpeg keeps Ogg's Vorbis comments on the stream, not the container


def general_tags(facts: Facts) -> dict[str, Any]:
    general = facts.general
    tags: dict[str, Any] = {}
    if facts.container.name not in _STREAM_TAGGED:
        for field, attribute in _CREDITS.items():
            value = getattr(general, attribute)
            tags[field] = str(value) if value not in (None, "") and field not in facts.unread_tags else None
    if facts.container.name in _RIFF and general.director:  # RIFF INFO's IART, MediaInfo's Director
        tags["Artist"] = str(general.director)  # (riffdec reads it as the artist, after any ID3 chunk's)
    tags["Language"] = _container_language(facts)
    # asfdec keeps the File Properties' creation date to itself
    tags["ProduceTime"] = None if facts.container.name == "asf" else rfc3339(general.encoded_date)
    if facts.creation_us is not None:  # MediaInfo prints whole seconds
        moment = EPOCH + datetime.timedelta(microseconds=facts.creation_us)
        tags["ProduceTime"] = rfc3339(moment.isoformat())
    tags["LatLong"] = lat_long(facts)
    return tags


def position(facts: Facts) -> tuple[float, float] | None:
    """The recording position: Apple's ISO 6709 mdta key, or Android's (c)xyz atom."""
    general = facts.general
    return iso6709(general.comapplequicktimelocationiso6709) or iso6709(general.xyz) or facts.location


def lat_long(facts: Facts) -> str | None:
    found = position(facts)
    return None if found is None else f"{found[0]:+.6f},{found[1]:+.6f}"


def _container_language(facts: Facts) -> str | None:
    """Only ID3's TLAN is a container-level language in FFmpeg; MediaInfo files it under the audio track."""
    if facts.container.name != "mp3":
        return None
    for track in facts.inspection.of_type("Audio"):
        for name in track.other_language or []:
            if len(name) == 3 and name.isalpha() and name.islower():
                return name
    return None
