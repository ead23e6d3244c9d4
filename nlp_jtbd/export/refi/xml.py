"""XML building blocks of the REFI-QDA export: namespaces, reproducible GUIDs, clean text,
elements in their parent's namespace and serialisation."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pandas as pd
from lxml import etree

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("4a8fbbba-127a-454c-8e8d-28a9827e1298")
USER_NAME = "nlp_jtbd"


def guid(*key: object) -> str:
    """A reproducible GUID for a stable key (uuid5 in this module's namespace)."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(map(str, key)))).upper()


USER_GUID = guid("user", USER_NAME)


def missing(value: object) -> bool:
    """None, NaN or pd.NA (a scalar; anything else counts as present)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean(value: object) -> str:
    """Text XML 1.0 can carry: control characters (other than tab and newlines) dropped."""
    text = value if isinstance(value, str) else "" if missing(value) else str(value)
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r"
        or "\x20" <= ch <= "\ud7ff"
        or "\ue000" <= ch <= "\ufffd"
        or ch >= "\U00010000"
    )


_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{p}{n}" for p in ("COM", "LPT") for n in range(10))}


def file_name(name: str, taken: set[str]) -> str:
    """``name`` as a file name every system accepts (tools save sources under their names):
    no ``<>:"/\\|?*`` or control characters (→ ``_``), no trailing dot or space, no reserved
    Windows name, at most 120 characters, and unique (case-insensitively) among ``taken``,
    to which it is added."""
    base = _NOT_IN_FILE_NAMES.sub("_", clean(name)).strip().rstrip(". ")[:120] or "source"
    if base.split(".")[0].upper() in _RESERVED:
        base = f"_{base}"
    out, n = base, 1
    while out.lower() in taken:
        n += 1
        out = f"{base}_{n}"
    taken.add(out.lower())
    return out


def timestamp(value: object = None) -> str:
    """An ``xsd:dateTime`` in UTC (``2026-01-31T12:00:00Z``) of ``value`` (an ISO date-time
    string, a datetime or epoch seconds); the Unix epoch when it is missing or unreadable."""
    when: datetime | None = None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, int | float) and not missing(value):
        when = datetime.fromtimestamp(float(value), UTC)
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace("Z", "+00:00")
        if re.search(r"[+-]\d{4}$", text):  # +0000 -> +00:00
            text = f"{text[:-2]}:{text[-2:]}"
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            when = None
    if when is None:
        when = datetime.fromtimestamp(0, UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A child in the parent's namespace; attributes in order, values cleaned."""
    ns = etree.QName(parent).namespace
    child = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for name, value in attrs.items():
        child.set(name, clean(value))
    if text is not None:
        child.text = clean(text)
    return child


def local(element: etree._Element) -> str:
    """The tag without its namespace."""
    return etree.QName(element).localname


def serialise(root: etree._Element) -> bytes:
    """UTF-8 bytes with an XML declaration, indented."""
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


__all__ = [
    "CODEBOOK_NS",
    "GUID_NAMESPACE",
    "PROJECT_NS",
    "USER_GUID",
    "USER_NAME",
    "clean",
    "file_name",
    "guid",
    "local",
    "missing",
    "serialise",
    "sub",
    "timestamp",
]
