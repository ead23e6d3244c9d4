"""REFI-QDA export: codebooks (``.qdc``) and projects (``.qdpx``) for ATLAS.ti, MAXQDA, NVivo
and QualCoder.

A ``.qdpx`` is a zip holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and
``Sources/<guid>.txt``, one UTF-8 text per document. Text selections count characters (Unicode
code points, as Python indexes strings) from 0; ``endPosition`` is the position after the last
selected character, so ``text[startPosition:endPosition]`` is the coded passage.

Every GUID is a uuid5 of a stable key (utterance id, doc id, codebook label, cluster), and no
timestamps are written, so exporting the same analysis twice gives identical files.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from nlp_jtbd import __version__
from nlp_jtbd.codebook import Codebook, load_codebook
from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.tables import read_utterances

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("4a8fbbba-127a-454c-8e8d-28a9827e1298")
USER_NAME = "nlp_jtbd"
THEMES_CODE = "Discovered themes"
REQUIRED_FILES = {
    "utterances.parquet": "ingest",
    "clusters.csv": "discover",
    "assignments.csv": "discover",
    "predictions.csv": "classify",
}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_REPRESENTATIVES_IN_MEMO = 5


def guid(*key: object) -> str:
    """A reproducible GUID for a stable key (uuid5 in this module's namespace)."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(map(str, key)))).upper()


USER_GUID = guid("user", USER_NAME)


@dataclass
class _Code:
    guid: str
    name: str
    codable: bool
    description: str = ""
    note: str | None = None
    children: list[_Code] = field(default_factory=list)


@dataclass(frozen=True)
class _Cluster:
    id: int
    label: str
    size: int | None
    keywords: str
    representatives: tuple[str, ...]

    @property
    def code_name(self) -> str:
        return f"#{self.id} {self.label}".strip()


@dataclass
class _CodeTree:
    roots: list[_Code]
    labels: dict[str, _Code]
    clusters: dict[int, _Code]


# ---------------------------------------------------------------------------- XML helpers


def _missing(value: object) -> bool:
    """None, NaN or pd.NA (a scalar; anything else counts as present)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _clean(value: object) -> str:
    """Text XML 1.0 can carry: control characters (other than tab and newlines) dropped."""
    text = value if isinstance(value, str) else "" if _missing(value) else str(value)
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r"
        or "\x20" <= ch <= "\ud7ff"
        or "\ue000" <= ch <= "\ufffd"
        or ch >= "\U00010000"
    )


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A child in the parent's namespace; attributes in order, values cleaned."""
    ns = etree.QName(parent).namespace
    child = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for name, value in attrs.items():
        child.set(name, _clean(value))
    if text is not None:
        child.text = _clean(text)
    return child


def _code_element(parent: etree._Element, code: _Code) -> None:
    element = _sub(
        parent,
        "Code",
        guid=code.guid,
        name=code.name,
        isCodable="true" if code.codable else "false",
    )
    if code.description.strip():
        _sub(element, "Description", code.description.strip())
    if code.note:
        _sub(element, "NoteRef", targetGUID=code.note)
    for child in code.children:
        _code_element(element, child)


def _codebook_element(parent: etree._Element, tree: _CodeTree) -> None:
    codes = _sub(parent, "Codes")
    for code in tree.roots:
        _code_element(codes, code)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


# ---------------------------------------------------------------------------- codebook


def _resolve_codebook(codebook: Codebook | str) -> Codebook:
    return codebook if isinstance(codebook, Codebook) else load_codebook(codebook)


def _clusters(frame: pd.DataFrame | None, where: str = "clusters") -> list[_Cluster]:
    """Cluster rows sorted by id; -1 (unassigned) is not a theme."""
    if frame is None:
        return []
    if "cluster_id" not in frame.columns:
        raise InputError(
            "the clusters table has no 'cluster_id' column",
            where=where,
            fix="pass clusters.csv as written by `jtbd discover` or `jtbd analyze`",
        )
    out = []
    for row in frame.to_dict("records"):
        try:
            cluster_id = int(row["cluster_id"])
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"cluster_id '{row['cluster_id']}' is not a whole number",
                where=where,
                fix="pass clusters.csv as written by `jtbd discover` or `jtbd analyze`",
            ) from exc
        if cluster_id < 0:
            continue
        size = row.get("size")
        reps = _clean(row.get("representative_ids")).replace(",", ";").split(";")
        out.append(
            _Cluster(
                id=cluster_id,
                label=_clean(row.get("label")),
                size=None if _missing(size) else int(size),
                keywords=_clean(row.get("keywords")),
                representatives=tuple(r.strip() for r in reps if r.strip()),
            )
        )
    return sorted(out, key=lambda c: c.id)


def _code_tree(book: Codebook, clusters: list[_Cluster], *, include_fallback: bool) -> _CodeTree:
    categories = _Code(
        guid=guid("codebook", book.ref),
        name=f"JTBD categories ({book.ref})",
        codable=False,
        description=book.description or book.title,
    )
    labels: dict[str, _Code] = {}
    for label in book.labels:
        if label.name == book.fallback_label and not include_fallback:
            continue
        code = _Code(
            guid=guid("label", book.ref, label.name),
            name=label.title or label.name,
            codable=True,
            description=label.definition,
        )
        labels[label.name] = code
        categories.children.append(code)
    roots = [categories]
    themes: dict[int, _Code] = {}
    if clusters:
        parent = _Code(
            guid=guid("themes"),
            name=THEMES_CODE,
            codable=False,
            description="Themes found by clustering the utterances (nlp_jtbd discover).",
        )
        for cluster in clusters:
            code = _Code(
                guid=guid("cluster", cluster.id, cluster.label),
                name=cluster.code_name,
                codable=True,
                description=cluster.keywords,
            )
            themes[cluster.id] = code
            parent.children.append(code)
        roots.append(parent)
    return _CodeTree(roots=roots, labels=labels, clusters=themes)


def write_qdc(
    codebook: Codebook | str, path: str | Path, clusters: pd.DataFrame | None = None
) -> Path:
    """Write a codebook as a REFI-QDA ``.qdc``: one code per label, plus one per cluster.

    Labels sit under "JTBD categories (<id>@<version>)", clusters (when given) under
    "Discovered themes"; the parents are not codable.
    """
    book = _resolve_codebook(codebook)
    tree = _code_tree(book, _clusters(clusters), include_fallback=True)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    _codebook_element(root, tree)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_serialise(root))
    return path


# ---------------------------------------------------------------------------- analysis input


@dataclass
class _Analysis:
    folder: Path
    utterances: pd.DataFrame
    clusters: list[_Cluster]
    assignments: pd.DataFrame
    predictions: pd.DataFrame


def _read_csv(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            path, dtype={"utterance_id": str}, keep_default_na=False, na_values=[""]
        )
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            f"cannot read it: {exc.__class__.__name__}: {str(exc)[:200]}",
            where=str(path),
            fix="re-run `jtbd analyze` to write it again",
        ) from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"no {', '.join(repr(c) for c in missing)} column",
            where=f"{path}, header",
            fix="re-run `jtbd analyze` to write it again",
        )
    return frame


def _load_analysis(folder: str | Path) -> _Analysis:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            f"{folder} is not a folder",
            fix="pass the folder `jtbd analyze INPUT... --out DIR` wrote",
        )
    missing = [name for name in REQUIRED_FILES if not (folder / name).exists()]
    if missing:
        stages = ", ".join(f"{name} (from {REQUIRED_FILES[name]})" for name in missing)
        raise InputError(
            f"the analysis folder lacks {stages}",
            where=str(folder),
            fix="run `jtbd analyze INPUT... --out DIR`, which writes all of them, and export DIR",
        )
    utterances = read_utterances(folder / "utterances.parquet")
    if "doc_id" not in utterances.columns:
        raise InputError(
            "no 'doc_id' column",
            where=str(folder / "utterances.parquet"),
            fix="re-run `jtbd analyze` to write it again",
        )
    assignments = _read_csv(folder / "assignments.csv", ["utterance_id", "cluster_id"])
    predictions = _read_csv(folder / "predictions.csv", ["utterance_id", "label"])
    clusters = _clusters(
        _read_csv(folder / "clusters.csv", ["cluster_id"]), where=str(folder / "clusters.csv")
    )
    known = set(utterances["utterance_id"])
    for name, frame in (("assignments.csv", assignments), ("predictions.csv", predictions)):
        stray = frame.loc[~frame["utterance_id"].isin(known), "utterance_id"]
        if len(stray):
            raise InputError(
                f"{len(stray)} utterance ids are not in utterances.parquet"
                f" (e.g. '{stray.iloc[0]}')",
                where=str(folder / name),
                fix="the files come from different runs; re-run `jtbd analyze` into one folder",
            )
    ids = {c.id for c in clusters}
    assigned = pd.to_numeric(assignments["cluster_id"], errors="coerce").fillna(-1).astype(int)
    unknown = sorted(set(assigned[assigned >= 0]) - ids)
    if unknown:
        raise InputError(
            f"clusters {', '.join(map(str, unknown[:5]))} are assigned but not in clusters.csv",
            where=str(folder / "assignments.csv"),
            fix="the files come from different runs; re-run `jtbd analyze` into one folder",
        )
    assignments = assignments.assign(cluster_id=assigned)
    return _Analysis(folder, utterances, clusters, assignments, predictions)


# ---------------------------------------------------------------------------- source texts


@dataclass
class _Document:
    doc_id: str
    guid: str
    text: str
    spans: dict[str, tuple[int, int]]
    rows: pd.DataFrame


def _column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index)


def _documents(utterances: pd.DataFrame) -> list[_Document]:
    """One text per document: a line per turn ("Speaker: sentence sentence…"), reviews bare."""
    frame = utterances.copy()
    frame["_order"] = range(len(frame))
    frame["speaker"] = _column(frame, "speaker", "").fillna("").astype(str)
    speaker_change = (frame["speaker"] != frame["speaker"].shift()).cumsum()
    frame["_turn"] = _column(frame, "turn_index", None).fillna(speaker_change)
    frame["_sentence"] = _column(frame, "sentence_index", 0).fillna(0)
    frame["_type"] = _column(frame, "source_type", "").fillna("").astype(str)
    frame = frame.sort_values(["doc_id", "_turn", "_sentence", "_order"], kind="stable")
    documents = []
    for doc_id, rows in frame.groupby("doc_id", sort=True):
        bare = (rows["_type"] == "review").all()
        lines: list[str] = []
        spans: dict[str, tuple[int, int]] = {}
        pos = 0
        for _, turn in rows.groupby("_turn", sort=False):
            if lines:
                pos += 1  # the newline that ends the previous line
            speaker = turn["speaker"].iloc[0]
            line = "" if bare or not speaker else f"{speaker}: "
            for i, (utterance_id, text) in enumerate(
                zip(turn["utterance_id"], turn["text"], strict=True)
            ):
                if i:
                    line += " "
                start = pos + len(line)
                line += text
                spans[utterance_id] = (start, start + len(text))
            lines.append(line)
            pos += len(line)
        documents.append(
            _Document(
                doc_id=str(doc_id),
                guid=guid("source", doc_id),
                text="\n".join(lines) + "\n",
                spans=spans,
                rows=rows,
            )
        )
    return documents


# ---------------------------------------------------------------------------- project


def _check_labels(book: Codebook, predictions: pd.DataFrame, where: str) -> None:
    labels = set(predictions["label"].dropna().astype(str))
    unknown = sorted(labels - set(book.names))
    if unknown:
        raise UsageError(
            f"predictions use labels that codebook {book.ref} lacks: {', '.join(unknown[:5])}",
            where=where,
            fix="pass the codebook the classifier was trained with (codebook=ID)",
        )


def _cluster_memo(cluster: _Cluster, texts: dict[str, str]) -> str:
    lines = [f"Theme #{cluster.id}: {cluster.label}"]
    if cluster.size is not None:
        lines.append(f"Size: {cluster.size} utterances")
    lines.append(f"Keywords: {cluster.keywords or '-'}")
    quotes = [texts[r] for r in cluster.representatives if r in texts]
    if quotes:
        lines.append("Representative utterances:")
        lines.extend(f"- {q}" for q in quotes[:_REPRESENTATIVES_IN_MEMO])
    return "\n".join(lines)


def _confidence(value: object) -> str:
    try:
        return "" if _missing(value) else f" ({float(value):.2f})"
    except (TypeError, ValueError):
        return ""


def _speaker_key(row: dict[str, Any]) -> tuple[str, str, str]:
    """(customer, speaker, name) identifying a speaker across the project."""
    customer = _clean(row.get("customer_id"))
    speaker = _clean(row.get("speaker")) or customer or _clean(row.get("doc_id"))
    name = speaker if not customer or customer == speaker else f"{speaker} ({customer})"
    return customer, speaker, name


@dataclass
class _Case:
    guid: str
    name: str
    customer: str
    speaker: str
    role: str
    sources: set[str] = field(default_factory=set)
    selections: list[str] = field(default_factory=list)


def _project(analysis: _Analysis, book: Codebook) -> tuple[bytes, dict[str, str]]:
    """``project.qde`` and the source texts (zip name → text)."""
    tree = _code_tree(book, analysis.clusters, include_fallback=False)
    texts = dict(zip(analysis.utterances["utterance_id"], analysis.utterances["text"], strict=True))
    notes = {c.id: guid("note", "cluster", c.id, c.label) for c in analysis.clusters}
    for cluster_id, code in tree.clusters.items():
        code.note = notes[cluster_id]

    predictions = analysis.predictions.drop_duplicates("utterance_id").set_index("utterance_id")
    assignments = analysis.assignments.drop_duplicates("utterance_id").set_index("utterance_id")
    documents = _documents(analysis.utterances)

    root = etree.Element(
        f"{{{PROJECT_NS}}}Project",
        nsmap={None: PROJECT_NS},
        name=_clean(f"nlp_jtbd analysis {analysis.folder.resolve().name}"),
        origin=f"nlp_jtbd {__version__}",
        creatingUserGUID=USER_GUID,
    )
    users = _sub(root, "Users")
    _sub(users, "User", guid=USER_GUID, name=USER_NAME)
    _codebook_element(_sub(root, "CodeBook"), tree)
    variables = {name: guid("variable", name) for name in ("customer_id", "role", "source_type")}
    variables_el = _sub(root, "Variables")
    for name, variable_guid in variables.items():
        _sub(variables_el, "Variable", guid=variable_guid, name=name, typeOfVariable="Text")

    cases: dict[tuple[str, str], _Case] = {}
    sources_el = etree.Element(f"{{{PROJECT_NS}}}Sources")
    files: dict[str, str] = {}
    for doc in documents:
        source = _sub(
            sources_el,
            "TextSource",
            guid=doc.guid,
            name=doc.doc_id,
            plainTextPath=f"internal://{doc.guid}.txt",
            creatingUser=USER_GUID,
        )
        files[f"Sources/{doc.guid}.txt"] = doc.text
        speakers = set()
        for row in doc.rows.to_dict("records"):
            utterance_id = row["utterance_id"]
            start, end = doc.spans[utterance_id]
            codes: list[tuple[_Code, str]] = []
            if utterance_id in predictions.index:
                pred = predictions.loc[utterance_id]
                code = tree.labels.get(str(pred["label"]))
                if code is not None:
                    codes.append(
                        (code, f"category: {code.name}{_confidence(pred.get('confidence'))}")
                    )
            if utterance_id in assignments.index:
                assignment = assignments.loc[utterance_id]
                code = tree.clusters.get(int(assignment["cluster_id"]))
                if code is not None:
                    conf = _confidence(assignment.get("confidence"))
                    codes.append((code, f"theme: {code.name}{conf}"))
            key = _speaker_key(row)
            speakers.add(key)
            if not codes or end <= start:
                continue
            selection_guid = guid("selection", utterance_id)
            selection = _sub(
                source,
                "PlainTextSelection",
                guid=selection_guid,
                name=utterance_id,
                startPosition=str(start),
                endPosition=str(end),
                creatingUser=USER_GUID,
            )
            _sub(selection, "Description", "; ".join(text for _, text in codes))
            for code, _ in codes:
                coding = _sub(
                    selection,
                    "Coding",
                    guid=guid("coding", utterance_id, code.guid),
                    creatingUser=USER_GUID,
                )
                _sub(coding, "CodeRef", targetGUID=code.guid)
            case = cases.setdefault(
                key[:2],
                _Case(
                    guid=guid("case", *key[:2]),
                    name=key[2],
                    customer=key[0],
                    speaker=key[1],
                    role=_clean(row.get("role")),
                ),
            )
            case.selections.append(selection_guid)
        if len(speakers) == 1 and next(iter(speakers))[:2] in cases:
            cases[next(iter(speakers))[:2]].sources.add(doc.guid)
        first = doc.rows.iloc[0].to_dict()
        customers = set(_column(doc.rows, "customer_id", "").fillna("").astype(str))
        values = {
            "source_type": _clean(first.get("source_type")),
            "customer_id": next(iter(customers)) if len(customers) == 1 else "",
        }
        for name, value in values.items():
            if value:
                variable_value = _sub(source, "VariableValue")
                _sub(variable_value, "VariableRef", targetGUID=variables[name])
                _sub(variable_value, "TextValue", value)

    if cases:
        cases_el = _sub(root, "Cases")
        for case in sorted(cases.values(), key=lambda c: (c.name, c.guid)):
            case_el = _sub(cases_el, "Case", guid=case.guid, name=case.name)
            role = case.role or "speaker"
            about = f"{role} {case.speaker}" + (
                f" of customer {case.customer}" if case.customer else ""
            )
            _sub(case_el, "Description", about)
            for name, value in (("customer_id", case.customer), ("role", case.role)):
                if value:
                    variable_value = _sub(case_el, "VariableValue")
                    _sub(variable_value, "VariableRef", targetGUID=variables[name])
                    _sub(variable_value, "TextValue", value)
            for source_guid in sorted(case.sources):
                _sub(case_el, "SourceRef", targetGUID=source_guid)
            for selection_guid in case.selections:
                _sub(case_el, "SelectionRef", targetGUID=selection_guid)
    if len(sources_el):
        root.append(sources_el)
    if analysis.clusters:
        notes_el = _sub(root, "Notes")
        for cluster in analysis.clusters:
            note = _sub(
                notes_el,
                "Note",
                guid=notes[cluster.id],
                name=f"Theme {cluster.code_name}",
                creatingUser=USER_GUID,
            )
            _sub(note, "PlainTextContent", _cluster_memo(cluster, texts))
    _sub(
        root,
        "Description",
        f"Exported by nlp_jtbd {__version__}: {len(documents)} documents, "
        f"codebook {book.ref}, {len(analysis.clusters)} discovered themes.",
    )
    return _serialise(root), files


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_qdpx(
    analysis_dir: str | Path, path: str | Path, codebook: Codebook | str = "jtbd5"
) -> Path:
    """Write an analysis folder as a REFI-QDA project: ``project.qde`` plus ``Sources/*.txt``.

    Each coded utterance becomes a text selection coded with its category (unless the codebook's
    fallback label) and its theme (unless unassigned); speakers are cases, themes carry memos.
    """
    book = _resolve_codebook(codebook)
    analysis = _load_analysis(analysis_dir)
    _check_labels(book, analysis.predictions, str(analysis.folder / "predictions.csv"))
    project, files = _project(analysis, book)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            _zip_entry(archive, "project.qde", project)
            for name in sorted(files):
                _zip_entry(archive, name, files[name].encode("utf-8"))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


# ---------------------------------------------------------------------------- reading back


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


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
                "parent": parent.get("guid") if _local(parent) == "Code" else None,
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
