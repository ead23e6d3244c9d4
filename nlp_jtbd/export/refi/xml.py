"""XML building blocks of the REFI-QDA export: namespaces, reproducible GUIDs, clean text,
elements in their parent's namespace and serialisation."""

from __future__ import annotations

import uuid

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
    "guid",
    "local",
    "missing",
    "serialise",
    "sub",
]
