"""Video labels: the bundled taxonomy, the deterministic labeler and test overrides."""
