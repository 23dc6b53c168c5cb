"""State: the Store interface and its implementations; nothing outside this package keeps data."""

from .nonces import NonceCache
from .sqlite import SqliteStore
from .store import MemoryStore, Store

__all__ = ["MemoryStore", "NonceCache", "SqliteStore", "Store"]
