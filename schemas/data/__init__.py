"""Reference data of the canonical schemas (the ICCS code list)."""
