"""The CCA integration hub: adapters in, canonical CloudEvents on Kafka, desks out."""

__version__ = "0.1.0"
