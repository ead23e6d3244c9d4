"""Cases of a REFI-QDA project: one per speaker (per customer), with the selections they said
and the sources that are theirs alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from nlp_jtbd.export.refi.xml import clean, guid, sub

SpeakerKey = tuple[str, str, str]


@dataclass
class Case:
    """One speaker: the sources that are wholly theirs and the selections they said."""

    guid: str
    name: str
    customer: str
    speaker: str
    role: str
    sources: set[str] = field(default_factory=set)
    selections: list[str] = field(default_factory=list)


def speaker_key(row: dict[str, Any]) -> SpeakerKey:
    """(customer, speaker, name) identifying a speaker across the project."""
    customer = clean(row.get("customer_id"))
    speaker = clean(row.get("speaker")) or customer or clean(row.get("doc_id"))
    name = speaker if not customer or customer == speaker else f"{speaker} ({customer})"
    return customer, speaker, name


def case_for(cases: dict[tuple[str, str], Case], key: SpeakerKey, row: dict[str, Any]) -> Case:
    """The case of speaker ``key``, added on first sight with the role of ``row``."""
    return cases.setdefault(
        key[:2],
        Case(
            guid=guid("case", *key[:2]),
            name=key[2],
            customer=key[0],
            speaker=key[1],
            role=clean(row.get("role")),
        ),
    )


def variable_value(parent: etree._Element, variable_guid: str, value: str) -> None:
    """Append ``<VariableValue>`` giving variable ``variable_guid`` the text ``value``."""
    element = sub(parent, "VariableValue")
    sub(element, "VariableRef", targetGUID=variable_guid)
    sub(element, "TextValue", value)


def cases_element(
    root: etree._Element, cases: dict[tuple[str, str], Case], variables: dict[str, str]
) -> None:
    """Append ``<Cases>`` (sorted by name) to the project, when there are any."""
    if not cases:
        return
    cases_el = sub(root, "Cases")
    for case in sorted(cases.values(), key=lambda c: (c.name, c.guid)):
        case_el = sub(cases_el, "Case", guid=case.guid, name=case.name)
        role = case.role or "speaker"
        about = f"{role} {case.speaker}" + (
            f" of customer {case.customer}" if case.customer else ""
        )
        sub(case_el, "Description", about)
        for name, value in (("customer_id", case.customer), ("role", case.role)):
            if value:
                variable_value(case_el, variables[name], value)
        for source_guid in sorted(case.sources):
            sub(case_el, "SourceRef", targetGUID=source_guid)
        for selection_guid in case.selections:
            sub(case_el, "SelectionRef", targetGUID=selection_guid)


__all__ = ["Case", "SpeakerKey", "case_for", "cases_element", "speaker_key", "variable_value"]
