"""The adapter SDK: the contract every network adapter implements (and the polled kind, for
networks the hub polls), the registry that finds adapters through entry points, the shared
normalizers, and the conformance kit."""

from adapters.sdk.contract import Adapter, Draft, Receipt, Reject, Rejected, Result, Translated
from adapters.sdk.pipeline import iter_translate, translate
from adapters.sdk.polled import (
    PollConfig,
    PolledAdapter,
    PolledUpdate,
    Poller,
    PollReport,
    is_polled,
)
from adapters.sdk.registry import (
    ENTRY_POINT_GROUP,
    UnknownAdapter,
    get_adapter,
    polled_slugs,
    slugs,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Adapter",
    "Draft",
    "PollConfig",
    "PollReport",
    "PolledAdapter",
    "PolledUpdate",
    "Poller",
    "Receipt",
    "Reject",
    "Rejected",
    "Result",
    "Translated",
    "UnknownAdapter",
    "get_adapter",
    "is_polled",
    "iter_translate",
    "polled_slugs",
    "slugs",
    "translate",
]
