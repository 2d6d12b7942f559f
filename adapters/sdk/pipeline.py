"""``translate``: run an adapter's ``parse`` safely and give each draft its envelope.

Never raises on bad input: every failure becomes a :class:`Rejected` that says why, so
one bad record never sinks the records beside it and nothing is lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

from pydantic import ValidationError

from adapters.sdk.contract import Adapter, Draft, Reject, Rejected, Result, Translated
from contract.envelope import CanonicalEvent, case_id, event_id
from contract.validation import describe_validation_error
from schemas import Provenance


def translate(adapter: Adapter, native: bytes, *, received: datetime | None = None) -> list[Result]:
    """All results of one native message, in record order."""
    return list(iter_translate(adapter, native, received=received))


def iter_translate(
    adapter: Adapter, native: bytes, *, received: datetime | None = None
) -> Iterator[Result]:
    when = (received or datetime.now(UTC)).astimezone(UTC)
    if not native:
        yield Rejected("empty message")
        return
    if len(native) > adapter.max_bytes:
        yield Rejected(
            f"message is {len(native)} bytes, over the {adapter.max_bytes}-byte limit",
            error_class="adapters.sdk.TooLarge",
        )
        return
    try:
        for item in adapter.parse(native):
            if isinstance(item, Rejected):
                yield item
            else:
                yield finish(adapter, item, when)
    except Reject as exc:
        yield Rejected(exc.reason, record=exc.record, reference=exc.reference)
    except ValidationError as exc:
        yield Rejected(describe_validation_error(exc), error_class="pydantic.ValidationError")
    except RecursionError:
        yield Rejected("message is nested too deeply", error_class="RecursionError")
    except Exception as exc:  # an adapter bug must not lose the message: DLQ it, say why
        yield Rejected(
            f"adapter error: {type(exc).__name__}: {exc}"[:1000],
            error_class=f"{type(exc).__module__}.{type(exc).__qualname__}",
            stage="parse",
        )


def finish(adapter: Adapter, draft: Draft, received: datetime) -> Result:
    """A draft's canonical event (ids, provenance, envelope), or why it is refused."""
    digest = hashlib.sha256(draft.record_bytes).hexdigest()
    data = draft.data
    try:
        provenance = Provenance(media_type=adapter.media_type, sha256=digest, record=draft.record)
        data = data.model_copy(update={"provenance": provenance})
        case = case_id(adapter.slug, draft.case_reference or data.reference)
        event = CanonicalEvent(
            id=event_id(adapter.slug, data.event_type, digest, case),
            source=adapter.source,
            type=data.event_type,
            time=(draft.time or received).astimezone(UTC),
            subject=(draft.subject or data.reference)[:300],
            caseid=case,
            classification=data.classification.level,
            tlp=data.classification.tlp,
            data=data,
        )
    except ValidationError as exc:
        return Rejected(
            describe_validation_error(exc),
            record=draft.record,
            reference=data.reference,
            error_class="pydantic.ValidationError",
            stage="validate",
        )
    return Translated(event, record=draft.record)
