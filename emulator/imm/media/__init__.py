"""DetectMediaMeta's engine: probe media bytes with pymediainfo, answer what ffprobe would."""
