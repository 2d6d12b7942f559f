"""Configuration files are picked up again when they change; a broken edit keeps the last
good value and is counted as a failed reload."""

from __future__ import annotations

import os
from pathlib import Path

from hub.core.desks import load_desks
from hub.reloading import Reloading

DESKS = """
[[desk]]
name = "drug-trafficking"
prefixes = ["0601"]
"""


def test_a_changed_desk_file_is_loaded_at_the_next_check_and_a_broken_one_is_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "desks.toml"
    path.write_text(DESKS)
    clock = [0.0]
    events: list[tuple[str, bool]] = []
    desks = Reloading(
        path,
        load_desks,
        what="desks",
        interval=1.0,
        clock=lambda: clock[0],
        on_reload=lambda what, ok: events.append((what, ok)),
    )
    first = desks.current()
    assert first.names == ("drug-trafficking", "triage")

    replacement = tmp_path / "new.toml"
    replacement.write_text(DESKS + '[[desk]]\nname = "cybercrime"\nprefixes = ["0903"]\n')
    os.replace(replacement, path)
    assert desks.current() is first  # not checked again before the interval
    clock[0] = 1.5
    assert desks.current().names == ("drug-trafficking", "cybercrime", "triage")
    assert events == [("desks", True)]

    broken = tmp_path / "broken.toml"
    broken.write_text("[[desk]\n")
    os.replace(broken, path)
    clock[0] = 3.0
    assert desks.current().names == ("drug-trafficking", "cybercrime", "triage")
    assert events[-1] == ("desks", False)
