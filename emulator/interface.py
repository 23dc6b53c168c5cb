"""The stable import path of ``EmulatorHandle`` (it lives in ``handles/interface.py``)."""

from .handles.interface import EmulatorHandle

__all__ = ["EmulatorHandle"]
