"""Virtual-hosted-style OSS addressing: the bucket named by the ``Host`` header, as clients that follow
OSS's default (ali-oss, @alicloud/oss-client, oss2 and alibabacloud-oss-v2 with a region endpoint) send
it: ``<bucket>.oss-<region>[-internal].aliyuncs.com``, ``<bucket>.localhost`` or ``<bucket>.<domain>``
for the configured ``--oss-domain``. Any other host is path style (``/<bucket>/<key>``)."""

from __future__ import annotations

import re

_BUCKET = r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"
_ALIYUN = re.compile(rf"({_BUCKET})\.oss-[a-z0-9-]+\.aliyuncs\.com\Z")


def virtual_bucket(host: str, domain: str = "") -> str | None:
    """The bucket a ``Host`` header names (its port ignored), or None for path style."""
    name = host.strip().lower()
    if name.startswith("["):  # an IPv6 literal
        return None
    name = name.rsplit(":", 1)[0] if ":" in name else name
    name = name.rstrip(".")
    found = _ALIYUN.match(name)
    if found:
        return found.group(1)
    for base in ("localhost", domain.strip(".").lower()):
        if base and name.endswith("." + base):
            label = name[: -len(base) - 1]
            if re.fullmatch(_BUCKET, label):
                return label
    return None
