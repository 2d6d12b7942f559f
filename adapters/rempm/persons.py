"""``investigados`` and ``nascimentos``: names and birth dates aligned by position."""

from __future__ import annotations

from datetime import date

from adapters.rempm.values import birth_date, positions
from adapters.sdk.contract import Reject
from adapters.sdk.normalize import names
from contract.quoting import quote
from schemas import Person


def suspects(investigados: str, nascimentos: str, registered: date) -> list[Person]:
    """One ``SUSPECT`` per name. Names are capitals, given names first; a birth date at a
    position with no name would belong to nobody, so it refuses the row."""
    people = positions(investigados)
    births = positions(nascimentos)
    for index in range(len(people), len(births)):
        if births[index]:
            raise Reject(
                f"birth date '{quote(births[index])}' at position {index + 1} of nascimentos: "
                f"investigados names only {len(people)} person(s)"
            )
    persons = []
    for index, full in enumerate(people):
        born = births[index] if index < len(births) else ""
        if not full:
            if born:
                raise Reject(
                    f"birth date '{quote(born)}' at position {index + 1} of nascimentos: "
                    "the same position of investigados is empty"
                )
            continue
        try:
            name = names.natural_order(full)
        except ValueError as exc:
            raise Reject(
                f"name '{quote(full)}' at position {index + 1} of investigados: {exc}"
            ) from None
        persons.append(
            Person(
                full_name=name.full_name,
                given_names=name.given_names,
                family_names=name.family_names,
                birth_date=birth_date(born, f"nascimentos (position {index + 1})", registered),
                role="SUSPECT",
            )
        )
    return persons
