"""Reading one container element of the format: known children only, each as often as allowed.

A misspelt or misplaced element would otherwise be skipped and its content silently lost,
so anything the format does not define there is refused, naming the element and its place.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from adapters.oas_hien.xmlread import local_name
from adapters.sdk.contract import Reject


@dataclass(frozen=True)
class Shape:
    """The children a container may hold: ``single`` at most once, ``repeated`` any number."""

    single: frozenset[str] = frozenset()
    repeated: frozenset[str] = frozenset()


class Node:
    """A container element whose children have been checked against its :class:`Shape`."""

    def __init__(self, element: ET.Element, shape: Shape, where: str) -> None:
        self.element = element
        self.where = where
        self._children: dict[str, list[ET.Element]] = {}
        for child in element:
            name = local_name(child.tag)
            if name not in shape.single and name not in shape.repeated:
                raise Reject(f"unexpected element <{name}> in {where}")
            found = self._children.setdefault(name, [])
            if found and name in shape.single:
                raise Reject(f"element <{name}> appears more than once in {where}")
            found.append(child)

    def child(self, name: str) -> ET.Element | None:
        found = self._children.get(name)
        return found[0] if found else None

    def children(self, name: str) -> list[ET.Element]:
        return self._children.get(name, [])

    def raw(self, name: str) -> str | None:
        """The text of a leaf child exactly as sent; None when the child is absent."""
        element = self.child(name)
        return None if element is None else leaf_text(element, f"<{name}> in {self.where}")

    def text(self, name: str) -> str | None:
        """The text of a leaf child, white space collapsed; None when absent or blank."""
        value = self.raw(name)
        return collapse(value) if value is not None else None

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            state = "is missing" if self.child(name) is None else "is empty"
            raise Reject(f"element <{name}> {state} in {self.where}")
        return value


def leaf_text(element: ET.Element, where: str) -> str:
    if len(element):
        raise Reject(f"{where} holds elements; it must hold text only")
    return element.text or ""


def collapse(text: str) -> str | None:
    """Stray white space removed (runs become one space); None when nothing is left."""
    return " ".join(text.split()) or None


def attribute(element: ET.Element, name: str) -> str | None:
    """An attribute, white space collapsed; None when absent or blank."""
    value = element.get(name)
    return collapse(value) if value is not None else None
