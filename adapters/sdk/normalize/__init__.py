"""Normalizers that several network adapters share: text folding, countries, dates, person
names, classification levels and offence labels (ICCS).

Each is a pure function over untrusted text; a value that cannot be read raises
``ValueError`` with a message that says what was wrong, except the lookups
(``countries.to_alpha2``, ``offences.classify``, the TLP helpers) that answer ``None``
rather than guess.
"""
