"""REFI-QDA projects (``.qdpx``): sources with coded selections, cases, theme memos, zipped.

Each coded utterance becomes a text selection coded with its category (unless the codebook's
fallback label) and its theme (unless unassigned); speakers are cases, themes carry memos.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from lxml import etree

from nlp_jtbd import __version__
from nlp_jtbd.codebook import Codebook
from nlp_jtbd.export.refi.cases import (
    Case,
    SpeakerKey,
    case_for,
    cases_element,
    speaker_key,
    variable_value,
)
from nlp_jtbd.export.refi.codebook import resolve_codebook
from nlp_jtbd.export.refi.codes import Cluster, Code, CodeTree, code_tree, codebook_element
from nlp_jtbd.export.refi.documents import Document, column, documents
from nlp_jtbd.export.refi.inputs import ProjectInput, check_labels, load_input
from nlp_jtbd.export.refi.xml import (
    PROJECT_NS,
    USER_GUID,
    USER_NAME,
    clean,
    guid,
    missing,
    serialise,
    sub,
)

VARIABLES = ("customer_id", "role", "source_type")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_REPRESENTATIVES_IN_MEMO = 5


@dataclass
class _Coder:
    """What coding the utterances of a document needs, and the cases it collects."""

    tree: CodeTree
    predictions: pd.DataFrame  # by utterance_id
    assignments: pd.DataFrame  # by utterance_id
    variables: dict[str, str]  # variable name -> guid
    cases: dict[tuple[str, str], Case]

    def codes(self, utterance_id: str) -> list[tuple[Code, str]]:
        """The category and theme codes of an utterance, each with its description."""
        codes: list[tuple[Code, str]] = []
        if utterance_id in self.predictions.index:
            pred = self.predictions.loc[utterance_id]
            code = self.tree.labels.get(str(pred["label"]))
            if code is not None:
                codes.append((code, f"category: {code.name}{_confidence(pred.get('confidence'))}"))
        if utterance_id in self.assignments.index:
            assignment = self.assignments.loc[utterance_id]
            code = self.tree.clusters.get(int(assignment["cluster_id"]))
            if code is not None:
                conf = _confidence(assignment.get("confidence"))
                codes.append((code, f"theme: {code.name}{conf}"))
        return codes

    def source(self, parent: etree._Element, doc: Document) -> None:
        """Append ``doc`` as a ``<TextSource>`` with a coded selection per coded utterance."""
        source = sub(
            parent,
            "TextSource",
            guid=doc.guid,
            name=doc.doc_id,
            plainTextPath=f"internal://{doc.guid}.txt",
            creatingUser=USER_GUID,
        )
        speakers: set[SpeakerKey] = set()
        for row in doc.rows.to_dict("records"):
            utterance_id = row["utterance_id"]
            start, end = doc.spans[utterance_id]
            codes = self.codes(utterance_id)
            key = speaker_key(row)
            speakers.add(key)
            if not codes or end <= start:
                continue
            selection_guid = guid("selection", utterance_id)
            selection = sub(
                source,
                "PlainTextSelection",
                guid=selection_guid,
                name=utterance_id,
                startPosition=str(start),
                endPosition=str(end),
                creatingUser=USER_GUID,
            )
            sub(selection, "Description", "; ".join(text for _, text in codes))
            for code, _ in codes:
                coding = sub(
                    selection,
                    "Coding",
                    guid=guid("coding", utterance_id, code.guid),
                    creatingUser=USER_GUID,
                )
                sub(coding, "CodeRef", targetGUID=code.guid)
            case_for(self.cases, key, row).selections.append(selection_guid)
        if len(speakers) == 1 and next(iter(speakers))[:2] in self.cases:
            self.cases[next(iter(speakers))[:2]].sources.add(doc.guid)
        first = doc.rows.iloc[0].to_dict()
        customers = set(column(doc.rows, "customer_id", "").fillna("").astype(str))
        values = {
            "source_type": clean(first.get("source_type")),
            "customer_id": next(iter(customers)) if len(customers) == 1 else "",
        }
        for name, value in values.items():
            if value:
                variable_value(source, self.variables[name], value)


def _confidence(value: object) -> str:
    try:
        return "" if missing(value) else f" ({float(value):.2f})"
    except (TypeError, ValueError):
        return ""


def _cluster_memo(cluster: Cluster, texts: dict[str, str]) -> str:
    lines = [f"Theme #{cluster.id}: {cluster.label}"]
    if cluster.size is not None:
        lines.append(f"Size: {cluster.size} utterances")
    lines.append(f"Keywords: {cluster.keywords or '-'}")
    quotes = [texts[r] for r in cluster.representatives if r in texts]
    if quotes:
        lines.append("Representative utterances:")
        lines.extend(f"- {q}" for q in quotes[:_REPRESENTATIVES_IN_MEMO])
    return "\n".join(lines)


def _notes_element(
    root: etree._Element, clusters: list[Cluster], notes: dict[int, str], texts: dict[str, str]
) -> None:
    """Append ``<Notes>``, a memo per theme, when there are themes."""
    if not clusters:
        return
    notes_el = sub(root, "Notes")
    for cluster in clusters:
        note = sub(
            notes_el,
            "Note",
            guid=notes[cluster.id],
            name=f"Theme {cluster.code_name}",
            creatingUser=USER_GUID,
        )
        sub(note, "PlainTextContent", _cluster_memo(cluster, texts))


def project_xml(data: ProjectInput, book: Codebook) -> tuple[bytes, dict[str, str]]:
    """``project.qde`` and the source texts (zip name → text)."""
    tree = code_tree(book, data.clusters, include_fallback=False)
    texts = dict(zip(data.utterances["utterance_id"], data.utterances["text"], strict=True))
    notes = {c.id: guid("note", "cluster", c.id, c.label) for c in data.clusters}
    for cluster_id, code in tree.clusters.items():
        code.note = notes[cluster_id]
    docs = documents(data.utterances)

    root = etree.Element(
        f"{{{PROJECT_NS}}}Project",
        nsmap={None: PROJECT_NS},
        name=clean(f"nlp_jtbd analysis {data.folder.root.resolve().name}"),
        origin=f"nlp_jtbd {__version__}",
        creatingUserGUID=USER_GUID,
    )
    sub(sub(root, "Users"), "User", guid=USER_GUID, name=USER_NAME)
    codebook_element(sub(root, "CodeBook"), tree)
    variables = {name: guid("variable", name) for name in VARIABLES}
    variables_el = sub(root, "Variables")
    for name, variable_guid in variables.items():
        sub(variables_el, "Variable", guid=variable_guid, name=name, typeOfVariable="Text")

    coder = _Coder(
        tree=tree,
        predictions=data.predictions.drop_duplicates("utterance_id").set_index("utterance_id"),
        assignments=data.assignments.drop_duplicates("utterance_id").set_index("utterance_id"),
        variables=variables,
        cases={},
    )
    sources_el = etree.Element(f"{{{PROJECT_NS}}}Sources")  # after the cases, once known
    for doc in docs:
        coder.source(sources_el, doc)
    cases_element(root, coder.cases, variables)
    if len(sources_el):
        root.append(sources_el)
    _notes_element(root, data.clusters, notes, texts)
    sub(
        root,
        "Description",
        f"Exported by nlp_jtbd {__version__}: {len(docs)} documents, "
        f"codebook {book.ref}, {len(data.clusters)} discovered themes.",
    )
    files = {f"Sources/{doc.guid}.txt": doc.text for doc in docs}
    return serialise(root), files


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
    book = resolve_codebook(codebook)
    data = load_input(analysis_dir)
    check_labels(book, data)
    project, files = project_xml(data, book)
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


__all__ = ["VARIABLES", "project_xml", "write_qdpx"]
