"""The demo's live terminal view: per network, per desk, and the dead-letter topics."""

from __future__ import annotations

from collections.abc import Iterable

from rich.columns import Columns
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hub.demo.counts import Counts


def _table(title: str, rows: dict[str, int], label: str) -> Table:
    table = Table(title=title, title_justify="left", expand=False, min_width=30)
    table.add_column(label)
    table.add_column("count", justify="right")
    for name in sorted(rows):
        table.add_row(name, str(rows[name]))
    table.add_row(Text("total", style="bold"), Text(str(sum(rows.values())), style="bold"))
    return table


def render(
    counts: Counts, sent: dict[str, int], elapsed_s: float, status: str, polled: Iterable[str] = ()
) -> Group:
    """``polled``: the polled networks, listed from the start (nothing is sent to them)."""
    networks = Table(title="networks", title_justify="left", min_width=40)
    for column in ("network", "sent", "events routed", "replies", "dead letters"):
        networks.add_column(column, justify="left" if column == "network" else "right")
    for name in sorted(set(sent) | set(counts.routed) | set(polled)):
        networks.add_row(
            name,
            str(sent.get(name, "feed")),
            str(counts.routed.get(name, 0)),
            str(counts.replies.get(name, 0)),
            str(counts.dlq.get(name, 0)),
        )
    withheld = Table(title="withheld (need to know)", title_justify="left", min_width=30)
    for column in ("desk", "held", "released"):
        withheld.add_column(column, justify="left" if column == "desk" else "right")
    for name in sorted(counts.withheld):
        withheld.add_row(name, str(counts.withheld[name]), str(counts.released.get(name, 0)))
    withheld.add_row(
        Text("total", style="bold"),
        Text(str(sum(counts.withheld.values())), style="bold"),
        Text(str(sum(counts.released.values())), style="bold"),
    )
    return Group(
        Panel(Text(f"CCA hub demo — {elapsed_s:5.0f} s — {status}  (Ctrl-C stops)")),
        Columns(
            [
                networks,
                _table("desks", counts.desks, "desk"),
                withheld,
                _table("dead-letter topics", counts.dlq, "topic"),
            ]
        ),
    )
