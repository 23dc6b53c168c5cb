"""Wire <-> Python: RPC parsing, typed parameters and signatures. Knows nothing of IMM semantics."""
