"""The hub's running services: thin broker wiring around the pure cores.

Each service consumes in batches with an explicit (manual) ack policy and never
auto-commits: a batch's outputs and its input offsets are committed together in one
Kafka transaction (``acks=all``, idempotent producer), so a crash at any point neither
loses a message nor shows one twice to a ``read_committed`` reader.
"""
