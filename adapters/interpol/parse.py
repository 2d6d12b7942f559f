"""A feed document → drafts: a list page gives one draft per summary, a detail gives one.

A list page is an object with an ``_embedded.notices`` list; a detail is an object with an
``entity_id`` (or a self link that names a notice). Anything else is refused, and so is a
list page without notices (translated alone, it would give nothing). A bad summary
on a list page is rejected alone (``record`` = its 1-based position) and the others go on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from adapters.interpol.document import load_json
from adapters.interpol.kinds import NoticeKind, entity_id_from_href, href_of, kind_of_page
from adapters.interpol.notice import build_draft
from adapters.sdk.contract import Draft, Reject, Rejected
from contract.validation import describe_validation_error

VALIDATION_ERROR = "pydantic.ValidationError"


def parse_document(native: bytes) -> Iterator[Draft | Rejected]:
    """Drafts (and per-summary rejections) of one list page or notice detail."""
    document = load_json(native)
    if not isinstance(document, dict):
        raise Reject(
            f"not a notice document: a JSON {_json_type(document)} where a list page or a"
            " notice detail object was expected"
        )
    notices = _embedded_notices(document)
    if notices == []:
        # nothing to translate is still an answer: a message must never vanish unanswered
        total = document.get("total")
        says = f" although it says total {total}" if isinstance(total, int) and total else ""
        raise Reject(f"a list page without notices: nothing to translate{says}")
    if notices is not None:
        yield from _page(document, notices)
    elif is_detail(document):
        yield build_draft(document, hint=None, where="the notice detail", detail=True)
    else:
        raise Reject(
            "not a notice document: neither a list page (_embedded.notices) nor a notice"
            " detail (entity_id)"
        )


def parse_detail(detail: Any, hint: NoticeKind | None) -> Draft | Rejected:
    """The draft of a detail fetched by the poller from the list of kind ``hint``; never
    raises: an unreadable detail is a Rejected that says why."""
    try:
        if not isinstance(detail, dict) or not is_detail(detail):
            raise Reject(f"not a notice detail: a JSON {_json_type(detail)} without entity_id")
        return build_draft(detail, hint=hint, where="the notice detail", detail=True)
    except Reject as exc:
        return Rejected(exc.reason, reference=exc.reference)
    except ValidationError as exc:
        return Rejected(describe_validation_error(exc), error_class=VALIDATION_ERROR)
    except (RecursionError, ValueError) as exc:
        return Rejected(f"unreadable notice detail: {exc}"[:300])


def is_detail(document: Mapping[str, object]) -> bool:
    return "entity_id" in document or entity_id_from_href(href_of(document)) is not None


def _embedded_notices(document: Mapping[str, object]) -> list[Any] | None:
    embedded = document.get("_embedded")
    notices = embedded.get("notices") if isinstance(embedded, Mapping) else None
    return notices if isinstance(notices, list) else None


def _page(page: Mapping[str, object], notices: list[Any]) -> Iterator[Draft | Rejected]:
    hint = kind_of_page(page)
    for number, summary in enumerate(notices, start=1):
        where = f"summary {number} of the list page"
        try:
            if not isinstance(summary, dict):
                raise Reject(f"{where}: a JSON {_json_type(summary)}, not a notice summary")
            yield build_draft(summary, hint=hint, where=where, detail=False, record=number)
        except Reject as exc:
            yield Rejected(exc.reason, record=number, reference=_reference(summary))
        except ValidationError as exc:
            yield Rejected(
                describe_validation_error(exc),
                record=number,
                reference=_reference(summary),
                error_class=VALIDATION_ERROR,
                stage="validate",
            )


def _reference(summary: object) -> str | None:
    value = summary.get("entity_id") if isinstance(summary, dict) else None
    return (value.strip()[:64] or None) if isinstance(value, str) else None


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"
