"""creditbox's stateful sandbox: vendor APIs served from their specs, backed by TinyDB."""
