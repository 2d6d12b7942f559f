"""The wire contract shared by the adapters and the hub: the CloudEvents envelope, canonical
JSON, origin signatures and their verification, key ids and the public key registry, and the
wording of validation errors.

It depends on :mod:`schemas` only; :mod:`adapters` and :mod:`hub` build on it and nothing here
points back at them (``tests/unit/test_layers.py`` keeps it so).
"""
