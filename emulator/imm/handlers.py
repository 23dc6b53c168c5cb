"""Importing this module registers every IMM action handler in ``OPERATIONS``."""

from . import media_meta, projects, tasks, video_labels  # noqa: F401  (they register their handlers)
from .registry import OPERATIONS

__all__ = ["OPERATIONS"]
