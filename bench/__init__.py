"""End-to-end benchmark of the hub against raw aiokafka and FastStream on the local broker.

``python -m bench run`` starts its own broker, measures every variant on one fixed,
hash-guarded corpus and writes a JSON results file and a chart; see ``BENCHMARKS.md``
for the method and the latest figures. ``bench/signing.py`` and ``bench/offences.py``
are separate micro-benchmarks of single steps.
"""
