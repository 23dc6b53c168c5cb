"""IMM semantics: one handler per action, no Flask. ``imm.handlers`` registers them all."""
