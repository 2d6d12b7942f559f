"""Adapter of the refco network: ``REMISION_CASO`` → ``cca.case.referral.v1``."""

from adapters.refco.adapter import RefcoAdapter

__all__ = ["RefcoAdapter"]
