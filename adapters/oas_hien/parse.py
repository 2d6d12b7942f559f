"""HIEN document → one canonical draft: a request (MLA or extradition) or a status update."""

from __future__ import annotations

from adapters.oas_hien.request import read_request
from adapters.oas_hien.status import read_status
from adapters.oas_hien.xmlread import local_name, read_document
from adapters.sdk.contract import Draft


def parse_document(native: bytes) -> Draft:
    """Raises :class:`Reject` (saying what and where) for anything that is not a valid
    HIEN document; the root element was already checked while parsing."""
    root = read_document(native)
    if local_name(root.tag) == "Request":
        return read_request(root, native)
    return read_status(root, native)
