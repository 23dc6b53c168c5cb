"""The stable import path of ``RemoteEmulator`` (it lives in ``handles/remote.py``)."""

from .handles.remote import RemoteEmulator

__all__ = ["RemoteEmulator"]
