"""``--tls``: HTTPS with a certificate from the emulator's own local CA (made with trustme, the tool
built for test CAs). The CA is kept (``imm-emulator-ca.pem``, and its key) in ``--data-dir`` or the
user's cache folder, so it is trusted once; each start issues a server certificate for the names clients
use: 127.0.0.1, localhost, the host listened on, and the region's OSS, IMM and MNS names."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

CA_FILE = "imm-emulator-ca.pem"
CA_KEY_FILE = "imm-emulator-ca.key"


def tls_folder(data_dir: str | None) -> Path:
    if data_dir:
        return Path(data_dir)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "imm-emulator"


def server_names(host: str, region: str) -> list[str]:
    names = ["127.0.0.1", "localhost", "::1", f"oss-{region}.aliyuncs.com", f"*.oss-{region}.aliyuncs.com"]
    names += [f"oss-{region}-internal.aliyuncs.com", f"*.oss-{region}-internal.aliyuncs.com"]
    names += [f"imm.{region}.aliyuncs.com", f"*.mns.{region}.aliyuncs.com"]
    if host not in ("", "0.0.0.0", "::") and host not in names:
        names.append(host)
    return names


def server_context(folder: Path, names: list[str]) -> tuple[ssl.SSLContext, Path]:
    """An SSL context serving a fresh certificate for ``names``, and the CA certificate's path."""
    try:
        import trustme
    except ImportError as exc:
        raise OSError("--tls needs the trustme package: pip install 'imm-emulator[tls]'") from exc
    folder.mkdir(parents=True, exist_ok=True)
    ca_path, key_path = folder / CA_FILE, folder / CA_KEY_FILE
    if ca_path.is_file() and key_path.is_file():
        ca = trustme.CA.from_pem(ca_path.read_bytes(), key_path.read_bytes())
    else:
        ca = trustme.CA(organization_name="imm-emulator", organization_unit_name="local test CA")
        key_path.touch(mode=0o600)
        key_path.write_bytes(ca.private_key_pem.bytes())
        ca.cert_pem.write_to_path(str(ca_path))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context, ca_path
