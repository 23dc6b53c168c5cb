"""IMM semantics: one handler per action, no Flask. Importing this package registers them all."""

from . import projects  # noqa: F401  (registers handlers)
from .registry import OPERATIONS, Context, operation

__all__ = ["OPERATIONS", "Context", "operation"]
