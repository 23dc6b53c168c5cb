"""imm-emulator: a local, faithful emulator of Alibaba Cloud IMM (2020-09-30) and its OSS slice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Emulator", "EmulatorConfig", "__version__"]

if TYPE_CHECKING:
    from .config import EmulatorConfig
    from .handle import Emulator


def __getattr__(name: str) -> Any:
    # Lazy, so `import imm_emulator` stays cheap for tools that only need the version or the config.
    if name == "Emulator":
        from .handle import Emulator

        return Emulator
    if name == "EmulatorConfig":
        from .config import EmulatorConfig

        return EmulatorConfig
    raise AttributeError(name)
