"""Adapter of the oas-hien network (OAS Hemispheric Information Exchange Network).

Choices the interface agreement leaves open, and why:

- A status update's ``reference`` is ``<RequestId>/status/<Sent in UTC>``: the network gives
  updates no id of their own, the send time tells one request's updates apart, and UTC
  makes the same instant written with any offset give the same reference. Its
  ``case_reference`` is the RequestId, so it lands on the request's case.
- A ``kind`` that contradicts the RequestId's type segment (``HIEN-MLA-`` with kind
  EXTRADITION, or the reverse) is refused: the two disagree on whether an arrest is being
  asked for, and only the sender can say which is wrong.
- RequestId, Sent, the two states and Confidentiality are required; the other elements
  the spec does not mark optional are read when present, since the canonical data can do
  without them. Unknown or repeated elements are refused so that no content is dropped.
- A StatusUpdate has no marking in the spec: it is RESTRICTED (original ``UNMARKED``),
  never PUBLIC; a ``Confidentiality`` element on one is honoured.
- ``countries`` adds the issuers of persons' documents after their nationalities.
- RequestIds are upper-cased, so every message about a request names one case.
"""

from adapters.oas_hien.adapter import OasHienAdapter

__all__ = ["OasHienAdapter"]
