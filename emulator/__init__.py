"""imm-emulator: a local, faithful emulator of Alibaba Cloud IMM (2020-09-30) and its OSS slice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Emulator", "EmulatorConfig", "EmulatorHandle", "RemoteEmulator", "__version__"]

if TYPE_CHECKING:
    from .config import EmulatorConfig
    from .handles.interface import EmulatorHandle
    from .handles.local import Emulator
    from .handles.remote import RemoteEmulator


def __getattr__(name: str) -> Any:
    # Lazy, so `import imm_emulator` stays cheap for tools that only need the version or the config.
    if name == "Emulator":
        from .handles.local import Emulator

        return Emulator
    if name == "RemoteEmulator":
        from .handles.remote import RemoteEmulator

        return RemoteEmulator
    if name == "EmulatorHandle":
        from .handles.interface import EmulatorHandle

        return EmulatorHandle
    if name == "EmulatorConfig":
        from .config import EmulatorConfig

        return EmulatorConfig
    raise AttributeError(name)
