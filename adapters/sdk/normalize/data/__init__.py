"""Vocabularies of the normalizers, kept as data so they can grow without code changes."""
