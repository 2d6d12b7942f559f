"""The CLACIP adapter: STIX 2.1 intelligence bundles in, nothing back (intelligence is one-way).

Choices the network's rules leave open:
- a report without ``x_clacip_handling`` is RESTRICTED with ``original`` ``"(none)"``;
- several TLP markings on one report: the strictest wins; other markings carry no TLP;
- ``cyber`` is set by a label classified as an attack on computer systems (``ciberdelito``)
  or named for cyberspace (``ciber…``/``cyber…``);
- links are the relationships the report references plus those whose two ends it
  references; a relationship that touches an unreferenced object is left out;
- the sending unit (``origin.authority``) is the report's ``created_by_ref`` identity, when
  the bundle carries it;
- an id the report references that appears twice in the bundle is refused as ambiguous; a
  reference to an object the bundle does not carry is allowed (STIX permits it);
- only the report and the objects it uses are validated with ``stix2``: an invalid
  unreferenced object is ignored like any other unreferenced object.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from adapters.clacip.bundle import SLUG
from adapters.clacip.parse import parse_bundle
from adapters.sdk.contract import Adapter, Draft, Rejected


class ClacipAdapter(Adapter):
    slug: ClassVar[str] = SLUG
    title: ClassVar[str] = "Latin American and Caribbean Community of Police Intelligence"
    media_type: ClassVar[str] = "application/stix+json;version=2.1"
    max_bytes: ClassVar[int] = 5 * 1024 * 1024
    replies: ClassVar[bool] = False
    suffix: ClassVar[str] = ".json"

    def parse(self, native: bytes) -> Iterable[Draft | Rejected]:
        return [parse_bundle(native)]
