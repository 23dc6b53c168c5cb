"""The Python handles on an emulator: ``Emulator`` runs one in this process (``local``, with its parts
in ``parts``), ``RemoteEmulator`` drives a server elsewhere through the control API (``remote``); both
satisfy ``interface.EmulatorHandle`` and build real SDK clients through ``clients``."""
