"""The router's state, kept per input partition and persisted in compacted topics."""
