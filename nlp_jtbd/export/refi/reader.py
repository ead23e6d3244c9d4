"""Reading a REFI-QDA project (``.qdpx``) back: codes, source texts, codings, cases, notes."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from nlp_jtbd.errors import InputError
from nlp_jtbd.export.refi.xml import PROJECT_NS, local


def read_qdpx(path: str | Path) -> dict[str, Any]:
    """Read a ``.qdpx`` back: codes, source texts, codings, cases and notes.

    Returns ``codes`` (guid → {name, parent, codable}), ``sources`` (name → text), ``codings``
    (dicts: source, start, end, code, code_guid, selection name), ``cases`` (name → {sources,
    selections}) and ``notes`` (guid → {name, text}).
    """
    path = Path(path)
    fix = "pass a .qdpx file exported by a QDA program or by nlp_jtbd"
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot open it as a zip: {exc}", where=str(path), fix=fix) from exc
    with archive:
        names = {n.lower(): n for n in archive.namelist()}
        if "project.qde" not in names:
            raise InputError("no project.qde inside", where=str(path), fix=fix)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        try:
            root = etree.fromstring(archive.read(names["project.qde"]), parser)
        except etree.XMLSyntaxError as exc:
            raise InputError(f"project.qde is not XML: {exc}", where=str(path), fix=fix) from exc
        ns = {"q": PROJECT_NS}

        codes: dict[str, dict[str, Any]] = {}
        for code in root.iterfind(".//q:CodeBook//q:Code", ns):
            parent = code.getparent()
            codes[code.get("guid")] = {
                "name": code.get("name"),
                "parent": parent.get("guid") if local(parent) == "Code" else None,
                "codable": code.get("isCodable") == "true",
            }

        sources: dict[str, str] = {}
        selections: dict[str, str] = {}
        source_names: dict[str, str] = {}
        codings: list[dict[str, Any]] = []
        for source in root.iterfind("q:Sources/q:TextSource", ns):
            name = source.get("name") or source.get("guid")
            source_names[source.get("guid")] = name
            content = source.find("q:PlainTextContent", ns)
            text_path = source.get("plainTextPath") or ""
            if content is not None:
                text = content.text or ""
            elif text_path.startswith("internal://"):
                member = names.get(f"sources/{text_path.removeprefix('internal://')}".lower())
                if member is None:
                    raise InputError(
                        f"source '{name}' points to {text_path}, which the zip lacks",
                        where=str(path),
                        fix=fix,
                    )
                text = archive.read(member).decode("utf-8-sig")
            else:
                text = ""
            sources[name] = text
            for selection in source.iterfind("q:PlainTextSelection", ns):
                selections[selection.get("guid")] = name
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                for ref in selection.iterfind("q:Coding/q:CodeRef", ns):
                    target = ref.get("targetGUID")
                    codings.append(
                        {
                            "source": name,
                            "start": start,
                            "end": end,
                            "code": codes.get(target, {}).get("name"),
                            "code_guid": target,
                            "selection": selection.get("name") or selection.get("guid"),
                        }
                    )

    cases = {
        case.get("name") or case.get("guid"): {
            "sources": [
                source_names.get(r.get("targetGUID")) for r in case.iterfind("q:SourceRef", ns)
            ],
            "selections": [r.get("targetGUID") for r in case.iterfind("q:SelectionRef", ns)],
        }
        for case in root.iterfind("q:Cases/q:Case", ns)
    }
    notes = {
        note.get("guid"): {
            "name": note.get("name"),
            "text": note.findtext("q:PlainTextContent", "", ns),
        }
        for note in root.iterfind("q:Notes/q:Note", ns)
    }
    return {
        "project": root.get("name"),
        "codes": codes,
        "sources": sources,
        "codings": codings,
        "cases": cases,
        "notes": notes,
    }


__all__ = ["read_qdpx"]
