"""Reading a REFI-QDA project (``.qdpx``) back: users, codes, source texts, codings, cases,
notes, as any REFI-QDA tool writes them.

Selection positions are read as UTF-16 code units (what the tools count, see
:mod:`nlp_jtbd.export.refi.positions`) and returned as Python indices, so
``sources[source][start:end]`` is the coded text; ``unit="codepoints"`` reads files whose
positions count code points instead.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from nlp_jtbd.errors import InputError
from nlp_jtbd.export.refi.positions import Utf16Index
from nlp_jtbd.export.refi.xml import PROJECT_NS, local

NS = {"q": PROJECT_NS}
_FIX = (
    "pass a .qdpx file exported by a QDA program (ATLAS.ti, MAXQDA, NVivo, QualCoder) or nlp_jtbd"
)


def _codes(root: etree._Element) -> dict[str, dict[str, Any]]:
    codes: dict[str, dict[str, Any]] = {}
    for code in root.iterfind(".//q:CodeBook//q:Code", NS):
        parent = code.getparent()
        parent_guid = parent.get("guid") if local(parent) == "Code" else None
        path = [code.get("name") or ""]
        up = parent
        while local(up) == "Code":
            path.insert(0, up.get("name") or "")
            up = up.getparent()
        codes[code.get("guid")] = {
            "name": code.get("name"),
            "parent": parent_guid,
            "path": "/".join(path),
            "codable": code.get("isCodable", "true") != "false",
            "color": code.get("color"),
            "description": code.findtext("q:Description", "", NS),
        }
    return codes


def _values(element: etree._Element, variables: dict[str, str]) -> dict[str, str | None]:
    """Variable name → value of the ``<VariableValue>`` children of a case or source."""
    values: dict[str, str | None] = {}
    for value in element.iterfind("q:VariableValue", NS):
        ref = value.find("q:VariableRef", NS)
        data = [c.text for c in value if local(c) != "VariableRef"]
        if ref is not None:
            values[variables.get(ref.get("targetGUID"), ref.get("targetGUID"))] = (data or [None])[
                0
            ]
    return values


def _text(
    archive: zipfile.ZipFile, names: dict[str, str], source: etree._Element, where: str
) -> str:
    content = source.find("q:PlainTextContent", NS)
    if content is not None:
        return content.text or ""
    text_path = source.get("plainTextPath") or ""
    if not text_path.startswith("internal://"):
        return ""
    member = names.get(f"sources/{text_path.removeprefix('internal://')}".lower())
    if member is None:
        raise InputError(
            f"source '{source.get('name')}' points to {text_path}, which the zip lacks",
            where=where,
            fix=_FIX,
        )
    return archive.read(member).decode("utf-8-sig")


def read_qdpx(
    path: str | Path, *, unit: Literal["utf16", "codepoints"] = "utf16"
) -> dict[str, Any]:
    """Read a ``.qdpx``: ``project`` (its name), ``users`` (guid → name), ``codes`` (guid →
    name, parent, path, codable, color, description), ``sources`` (name → text),
    ``source_info`` (name → guid, description, variables), ``codings``
    (one dict per code on a selection: source, start, end, text, code, code_guid, coder,
    selection, selection_guid, start_position, end_position), ``cases`` (name → description,
    variables, sources, selections), ``variables`` (guid → name) and ``notes`` (guid → name,
    text)."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot open it as a zip: {exc}", where=str(path), fix=_FIX) from exc
    with archive:
        names = {n.lower(): n for n in archive.namelist()}
        qde = names.get("project.qde") or next(
            (n for k, n in names.items() if k.endswith(".qde")), None
        )
        if qde is None:
            raise InputError("no project.qde inside", where=str(path), fix=_FIX)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        try:
            root = etree.fromstring(archive.read(qde), parser)
        except etree.XMLSyntaxError as exc:
            raise InputError(f"project.qde is not XML: {exc}", where=str(path), fix=_FIX) from exc
        if etree.QName(root).namespace != PROJECT_NS:
            raise InputError(
                f"project.qde is not a REFI-QDA project (namespace {etree.QName(root).namespace})",
                where=str(path),
                fix=_FIX,
            )
        users = {
            u.get("guid"): u.get("name") or u.get("guid")
            for u in root.iterfind("q:Users/q:User", NS)
        }
        codes = _codes(root)
        variables = {
            v.get("guid"): v.get("name") for v in root.iterfind("q:Variables/q:Variable", NS)
        }
        sources: dict[str, str] = {}
        source_info: dict[str, dict[str, Any]] = {}
        source_names: dict[str, str] = {}
        codings: list[dict[str, Any]] = []
        for source in root.iterfind("q:Sources/q:TextSource", NS):
            name = source.get("name") or source.get("guid")
            source_names[source.get("guid")] = name
            text = _text(archive, names, source, str(path))
            sources[name] = text
            source_info[name] = {
                "guid": source.get("guid"),
                "description": source.findtext("q:Description", "", NS),
                "variables": _values(source, variables),
            }
            index = Utf16Index(text)
            for selection in source.iterfind("q:PlainTextSelection", NS):
                first, last = int(selection.get("startPosition")), int(selection.get("endPosition"))
                start, end = (
                    (index.from_utf16(first), index.from_utf16(last))
                    if unit == "utf16"
                    else (first, last)
                )
                start, end = max(0, min(start, end)), min(len(text), max(start, end))
                for coding in selection.iterfind("q:Coding", NS):
                    ref = coding.find("q:CodeRef", NS)
                    target = ref.get("targetGUID") if ref is not None else None
                    user = coding.get("creatingUser") or selection.get("creatingUser")
                    codings.append(
                        {
                            "source": name,
                            "start": start,
                            "end": end,
                            "text": text[start:end],
                            "code": codes.get(target, {}).get("name"),
                            "code_guid": target,
                            "coder": users.get(user, user or ""),
                            "selection": selection.get("name") or selection.get("guid"),
                            "selection_guid": selection.get("guid"),
                            "start_position": first,
                            "end_position": last,
                        }
                    )

    cases = {}
    for case in root.iterfind("q:Cases/q:Case", NS):
        cases[case.get("name") or case.get("guid")] = {
            "description": case.findtext("q:Description", "", NS),
            "variables": _values(case, variables),
            "sources": [
                source_names.get(r.get("targetGUID")) for r in case.iterfind("q:SourceRef", NS)
            ],
            "selections": [r.get("targetGUID") for r in case.iterfind("q:SelectionRef", NS)],
        }
    notes = {
        note.get("guid"): {
            "name": note.get("name"),
            "text": note.findtext("q:PlainTextContent", "", NS),
        }
        for note in root.iterfind("q:Notes/q:Note", NS)
    }
    return {
        "project": root.get("name"),
        "users": users,
        "codes": codes,
        "variables": variables,
        "sources": sources,
        "source_info": source_info,
        "codings": codings,
        "cases": cases,
        "notes": notes,
    }


__all__ = ["read_qdpx"]
