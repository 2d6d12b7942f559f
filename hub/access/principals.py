"""The principals the hub itself uses, by name: the certificate CN (or SCRAM user) each of
its processes connects as, and the two super users of a broker it runs."""

from __future__ import annotations

from collections.abc import Sequence

#: a broker node (the local broker's own certificate; a super user)
NODE_PRINCIPAL = "broker.local"
#: the federation's administrator: topics and ACLs (a super user)
ADMIN_PRINCIPAL = "hub.admin"
#: read-only ``hub status``
OPERATOR_PRINCIPAL = "ops.status"
ROUTER_PRINCIPAL = "svc.router"
ALL_ADAPTERS_PRINCIPAL = "svc.adapters"
#: ``hub custody audit`` and ``hub evidence export``: reads the custody logs and the desks
CUSTODY_PRINCIPAL = "svc.custody"


def adapter_principal(slug: str) -> str:
    return f"svc.adapter.{slug}"


def gateway_principal(slug: str) -> str:
    return f"net.{slug}"


def desk_principal(desk: str) -> str:
    return f"desk.{desk}"


def service_principal(router: bool, adapters: Sequence[str], every: Sequence[str]) -> str | None:
    """The principal a ``hub serve`` process runs as by default: the router's, one
    adapter's, or every adapter's; None for a mix (one process has one identity, so a mix
    needs ``HUB_KAFKA_PRINCIPAL``)."""
    if router and not adapters:
        return ROUTER_PRINCIPAL
    if router:
        return None
    if sorted(adapters) == sorted(every):
        return ALL_ADAPTERS_PRINCIPAL
    if len(adapters) == 1:
        return adapter_principal(adapters[0])
    return None
