"""One rempm batch → one canonical ``CaseReferral`` per row, or a rejection per bad row.

Decisions the network's rules leave open:
- the event time is ``data_registro`` at 00:00 UTC: the batch carries no send time, and
  the registration date keeps the event the same whenever the batch is (re)sent;
- the case is ``<alpha-2 of pais_origem>:<protocolo>`` (``PY:PY-FGE-2026-3381``), because a
  protocolo is unique only per sending country; ``reference`` (the event's subject and the
  reply's ``protocolo``) stays the protocolo as sent;
- ``municipio``/``uf`` lie in the sending country: a national prosecution service records
  where its own case happened;
- a row whose values cannot all be read is refused whole (an unknown related country, a
  birth date of nobody): a referral is not forwarded with parts silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time

from pydantic import ValidationError

from adapters.rempm.columns import Columns
from adapters.rempm.persons import suspects
from adapters.rempm.rows import Row, read_rows, salvage
from adapters.rempm.values import coordinate, country, level, multi, registration_date
from adapters.sdk.contract import Draft, Reject, Rejected
from adapters.sdk.normalize import offences
from contract.quoting import quote
from contract.validation import describe_validation_error
from schemas import CaseReferral, Classification, Location, Offence, Origin

NETWORK = "rempm"
#: the longest protocolo repeated in a rejection or a reply line
_REFERENCE_LIMIT = 300


def parse_batch(native: bytes) -> Iterator[Draft | Rejected]:
    """Rows in file order. Only an unusable header refuses the whole file."""
    rows = read_rows(native)
    header = next(rows, None)
    if header is None:
        raise Reject("the file is empty: no header line")
    if header.fields is None:
        raise Reject(f"header (line {header.line}) is unreadable: {header.error}")
    columns = Columns.from_header(header.fields, header.line)
    prefix = header.raw + b"\n"
    count = 0
    for row in rows:
        count += 1
        yield translate_row(row, columns, prefix)
    if not count:
        raise Reject(f"the file has a header (line {header.line}) but no rows")


def translate_row(row: Row, columns: Columns, prefix: bytes) -> Draft | Rejected:
    """A draft, or the row's rejection with its line, its protocolo when readable, and its
    bytes under the header: a CSV file of its own that can be corrected and sent again."""
    fields = row.fields
    readable = fields if fields is not None else salvage(row.raw)
    reference = columns.value(readable, "protocolo")[:_REFERENCE_LIMIT] or None
    record_bytes = prefix + row.raw
    try:
        if fields is None:
            raise Reject(f"unreadable row: {row.error}")
        columns.check(fields)
        data, registered = referral(fields, columns)
        return Draft(
            data=data,
            time=datetime.combine(registered, time(0, 0), tzinfo=UTC),
            record_bytes=record_bytes,
            record=row.line,
            case_reference=f"{data.origin.country}:{data.reference}",
        )
    except Reject as exc:
        reason, error_class = exc.reason, "adapters.sdk.Reject"
    except ValidationError as exc:
        reason, error_class = describe_validation_error(exc), "pydantic.ValidationError"
    except Exception as exc:  # a bug on one row must not sink the rows after it
        reason = f"adapter error: {type(exc).__name__}: {exc}"[:1000]
        error_class = f"{type(exc).__module__}.{type(exc).__qualname__}"
    return Rejected(
        reason,
        record=row.line,
        reference=reference,
        error_class=error_class,
        native=record_bytes,
    )


def referral(fields: list[str], columns: Columns) -> tuple[CaseReferral, date]:
    """The row's canonical data and its registration date."""

    def value(name: str) -> str:
        return columns.value(fields, name)

    protocolo = value("protocolo")
    if not protocolo:
        raise Reject("no protocolo: the row has no case id")
    if not value("pais_origem"):
        raise Reject("no pais_origem: a protocolo is unique only per sending country")
    home = country(value("pais_origem"), "pais_origem")
    registered = registration_date(value("data_registro"), "data_registro")
    marking = value("sigilo")
    related = [country(code, "paises_relacionados") for code in multi(value("paises_relacionados"))]
    place = location(value, home)
    persons = suspects(value("investigados"), value("nascimentos"), registered)
    data = CaseReferral(
        reference=protocolo,
        origin=Origin(network=NETWORK, country=home),
        classification=Classification(level=level(marking), original=marking),
        offences=[
            Offence(label=label, iccs=offences.classify(label))
            for label in multi(value("tipificacao"))
        ],
        persons=persons,
        locations=[place] if place else [],
        countries=list(dict.fromkeys([home, *related])),
        summary=value("descricao").replace("\r\n", "\n"),
    )
    return data, registered


def location(value: Callable[[str], str], home: str) -> Location | None:
    """``municipio``/``uf`` and the optional coordinates, which come both or neither."""
    lat_text, lon_text = value("latitude"), value("longitude")
    if bool(lat_text) != bool(lon_text):
        given, absent = ("latitude", "longitude") if lat_text else ("longitude", "latitude")
        raise Reject(f"{given} '{quote(lat_text or lon_text)}' in {given}: {absent} is missing")
    lat = coordinate(lat_text, "latitude", 90) if lat_text else None
    lon = coordinate(lon_text, "longitude", 180) if lon_text else None
    municipio, uf = value("municipio"), value("uf")
    if not (municipio or uf or lat_text):
        return None
    name = municipio or uf or f"{lat_text} {lon_text}"
    return Location(name=name, region=uf if municipio else None, country=home, lat=lat, lon=lon)
