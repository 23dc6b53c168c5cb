"""State: the Store interface and its implementations; nothing outside this package keeps data."""

from .nonces import NonceCache
from .store import MemoryStore, Store

__all__ = ["MemoryStore", "NonceCache", "Store"]
