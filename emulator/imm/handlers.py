"""Importing this module registers every IMM action handler in ``OPERATIONS``; ``TASK_KINDS`` names
the asynchronous task types and what runs them (an emulator's Services carry it)."""

from types import MappingProxyType

from . import media_meta, projects, tasks, video_labels  # noqa: F401  (they register their handlers)
from .registry import OPERATIONS

TASK_KINDS = MappingProxyType({video_labels.TASK_TYPE: video_labels.KIND})

__all__ = ["OPERATIONS", "TASK_KINDS"]
