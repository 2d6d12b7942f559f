"""The adapter SDK: the contract every network adapter implements, the registry that finds
adapters through entry points, the shared normalizers, and the conformance kit."""

from adapters.sdk.contract import Adapter, Draft, Receipt, Reject, Rejected, Result, Translated
from adapters.sdk.pipeline import iter_translate, translate
from adapters.sdk.registry import ENTRY_POINT_GROUP, UnknownAdapter, get_adapter, slugs

__all__ = [
    "ENTRY_POINT_GROUP",
    "Adapter",
    "Draft",
    "Receipt",
    "Reject",
    "Rejected",
    "Result",
    "Translated",
    "UnknownAdapter",
    "get_adapter",
    "iter_translate",
    "slugs",
    "translate",
]
