"""Sampling profiles of the hub's processes with py-spy, summarised for the report.

py-spy writes collapsed stacks (``frame;frame;… count``, one line per distinct stack, only
threads that were running); from them come the functions with the most samples on top of
the stack (self), the most samples anywhere in it (inclusive), the self samples per package,
and a flame graph drawn as SVG.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*)\)$")
#: leaf frames of threads that wait (py-spy cannot always tell them from running ones)
IDLE = frozenset(
    {
        "Condition.wait (threading.py)",
        "_worker (concurrent/futures/thread.py)",
        "EpollSelector.select (selectors.py)",
        "Queue.get (queue.py)",
        "Event.wait (threading.py)",
    }
)
#: frames worth naming in the inclusive list: the project's own and the libraries it calls
OWN = (
    "hub/",
    "adapters/",
    "schemas/",
    "aiokafka/",
    "faststream/",
    "pydantic/",
    "json/",
    "cryptography/",
    "prometheus_client/",
    "logging/",
)
PACKAGES = (
    "aiokafka",
    "faststream",
    "fast_depends",
    "pydantic",
    "pydantic_core",
    "cryptography",
    "prometheus_client",
    "hub",
    "adapters",
    "schemas",
    "json",
    "asyncio",
    "logging",
    "concurrent",
    "threading",
    "selectors",
    "datetime",
)


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.is_file() else shutil.which("py-spy")


def record(pid: int, out: Path, duration_s: int, *, rate: int = 100) -> subprocess.Popen[bytes]:
    """Start sampling ``pid`` for ``duration_s`` seconds into ``out`` (collapsed stacks)."""
    binary = py_spy()
    if binary is None:
        raise FileNotFoundError("py-spy is not installed (pip install py-spy)")
    return subprocess.Popen(
        [
            binary,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(duration_s),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--nolineno",
            "--output",
            str(out),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def parse(text: str) -> list[tuple[list[str], int]]:
    stacks: list[tuple[list[str], int]] = []
    for line in text.splitlines():
        frames, _, count = line.rpartition(" ")
        if frames and count.isdigit():
            stacks.append((frames.split(";"), int(count)))
    return stacks


def package_of(frame: str) -> str:
    match = FRAME.match(frame)
    path = match.group("file") if match else frame
    parts = re.split(r"[/\\]", path)
    for part in parts:
        if part in PACKAGES:
            return part
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    return "other" if parts and parts[-1].endswith(".py") else "native"


def short(frame: str) -> str:
    match = FRAME.match(frame)
    if not match:
        return frame
    path = match.group("file")
    for marker in ("site-packages/", "/main/", "python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match.group('func')} ({path})"


@dataclass
class Summary:
    samples: int
    idle_samples: int
    self_top: list[tuple[str, float]]
    inclusive_top: list[tuple[str, float]]
    packages: list[tuple[str, float]]

    def to_json(self) -> dict[str, object]:
        def pct(rows: list[tuple[str, float]]) -> list[dict[str, object]]:
            return [{"frame": f, "percent": round(p, 1)} for f, p in rows]

        return {
            "samples": self.samples,
            "idle_samples": self.idle_samples,
            "self": pct(self.self_top),
            "inclusive": pct(self.inclusive_top),
            "packages_self": pct(self.packages),
        }


def summarise(stacks: Iterable[tuple[list[str], int]], top: int = 15) -> Summary:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total = idle = 0
    for frames, count in stacks:
        leaf = short(frames[-1])
        if leaf in IDLE:
            idle += count
            continue
        total += count
        own[leaf] += count
        packages[package_of(frames[-1])] += count
        named = {short(f) for f in frames}
        for frame in named:
            path = frame[frame.rfind("(") + 1 :]
            if path.startswith(OWN) and not path.startswith(("hub/cli/", "hub/__main__")):
                inclusive[frame] += count
    share = 100.0 / total if total else 0.0
    return Summary(
        samples=total,
        idle_samples=idle,
        self_top=[(f, c * share) for f, c in own.most_common(top)],
        inclusive_top=[(f, c * share) for f, c in inclusive.most_common(top)],
        packages=[(p, c * share) for p, c in packages.most_common()],
    )


def flamegraph(stacks: list[tuple[list[str], int]], title: str, width: int = 1400) -> str:
    """A static flame graph: each frame a box as wide as its share of samples, callers
    below callees; hover shows the frame and its share."""
    tree: dict[str, object] = {}
    counts: Counter[tuple[str, ...]] = Counter()
    stacks = [(f, c) for f, c in stacks if short(f[-1]) not in IDLE]
    for frames, count in stacks:
        path: tuple[str, ...] = ()
        node = tree
        for frame in frames:
            path = (*path, frame)
            counts[path] += count
            node = node.setdefault(frame, {})  # type: ignore[assignment]
    total = sum(c for _, c in stacks) or 1
    depth = max((len(f) for f, _ in stacks), default=1)
    row = 16
    height = (depth + 2) * row + 30
    boxes: list[str] = []
    # callers at the bottom, callees above, as flame graphs are drawn

    def draw(node: dict[str, object], path: tuple[str, ...], x: float, level: int) -> None:
        for frame in sorted(node):
            sub = (*path, frame)
            w = counts[sub] / total * width
            if w >= 0.5:
                y = height - (level + 2) * row
                hue = 20 + zlib.crc32(package_of(frame).encode()) % 40
                label = escape(short(frame))
                pct = counts[sub] * 100 / total
                boxes.append(
                    f'<g><title>{label} ({pct:.1f}%)</title><rect x="{x:.1f}" y="{y}" '
                    f'width="{w:.1f}" height="{row - 1}" fill="hsl({hue},80%,60%)"/>'
                    + (
                        f'<text x="{x + 2:.1f}" y="{y + 12}">{label[: int(w / 7)]}</text>'
                        if w > 30
                        else ""
                    )
                    + "</g>"
                )
                draw(node[frame], sub, x, level + 1)  # type: ignore[arg-type]
            x += w

    draw(tree, (), 0.0, 0)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="monospace" font-size="11">'
        f'<text x="4" y="16" font-size="14">{escape(title)} — {total} samples</text>'
        + "".join(boxes)
        + "</svg>"
    )
