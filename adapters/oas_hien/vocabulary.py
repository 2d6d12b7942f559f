"""The closed vocabularies of the HIEN format, as the interface agreement lists them.

Every coded value is matched after trimming and upper-casing; anything outside these
lists is refused rather than guessed, because the codes steer legal handling.
"""

from __future__ import annotations

import re
from typing import Final

from schemas import REQUEST_STATES

NAMESPACE: Final = "urn:oas:hien:1.0"

#: the largest document the network may send (the spec's hostile-input rule)
MAX_BYTES: Final = 5 * 1024 * 1024
#: ``Facts`` "may be long (up to 1 MB)": counted in UTF-8 bytes
MAX_FACTS_BYTES: Final = 1024 * 1024
#: the deepest element of the format is 4 levels down (Request/Persons/Person/GivenNames)
MAX_DEPTH: Final = 8
#: 1000 persons of ~10 elements each, with room to spare; stops element floods early
MAX_ELEMENTS: Final = 20_000

KIND_MLA: Final = "MLA"
KIND_EXTRADITION: Final = "EXTRADITION"
#: the kind attribute and the type segment of a RequestId that goes with it
ID_SEGMENT: Final = {KIND_MLA: "MLA", KIND_EXTRADITION: "EXT"}

REQUEST_ID: Final = re.compile(r"HIEN-(MLA|EXT)-(\d{4})-(\d{6})")

URGENCIES: Final = frozenset({"ROUTINE", "PRIORITY", "URGENT"})
LEVELS: Final = frozenset({"PUBLIC", "RESTRICTED", "CONFIDENTIAL", "SECRET"})
TREATIES: Final = frozenset({"IACMACM", "IACE", "UNTOC", "UNCAC", "BILATERAL", "RECIPROCITY"})
ROLES: Final = frozenset({"ACCUSED", "SUSPECT", "CONVICTED", "WITNESS", "VICTIM"})
DOCUMENT_TYPES: Final = frozenset({"PASSPORT", "NATIONAL_ID", "OTHER"})
MEASURES: Final = frozenset(
    {
        "TAKING_EVIDENCE",
        "SERVICE_OF_DOCUMENTS",
        "SEARCH_AND_SEIZURE",
        "FREEZE_ASSETS",
        "BANK_RECORDS",
        "LOCATE_PERSON",
        "HEARING_BY_VIDEO",
        "TRANSFER_OF_DETAINEE",
        "OTHER",
    }
)
#: the format's ``Status`` codes are the canonical request states, word for word
STATUSES: Final = frozenset(REQUEST_STATES)

#: what the hub calls itself in the ``FromState`` of its own acknowledgements
HUB_STATE: Final = "CCA"
#: a StatusUpdate carries no marking in the spec: official correspondence between
#: central authorities, so it is never treated as PUBLIC
UNMARKED_LEVEL: Final = "RESTRICTED"
UNMARKED_ORIGINAL: Final = "UNMARKED"

SLUG: Final = "oas-hien"
