"""Who signs in a hub: every installed network's adapter, and the router (its seals on
receipts, the MAC on its state). One list, so every set-up path keys the same names."""

from __future__ import annotations

from adapters.sdk.registry import slugs
from contract.seal import ROUTER_PRINCIPAL


def signing_principals() -> list[str]:
    return [*slugs(), ROUTER_PRINCIPAL]
