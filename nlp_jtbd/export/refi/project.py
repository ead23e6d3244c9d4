"""REFI-QDA projects (``.qdpx``): sources with coded selections, users, cases, memos, zipped.

What the file holds, and which tool needs it (see the package docstring for positions):

- every element that can carry dates has ``creationDateTime``/``modifiedDateTime`` (the
  analysis run's time): QualCoder's importer stops at a ``<Note>`` without one;
- codes have colours, GUIDs, their hierarchy (non-codable parents become QualCoder
  categories) and memos as ``<Description>`` (QualCoder ignores ``NoteRef`` on codes; the theme
  memos are also ``<Note>``s for tools that read those);
- one user per coder; each coded utterance has one selection per coder (the category by the
  model or a rule, the theme by discovery, the job candidate), since QualCoder takes a coding's
  coder from its selection;
- case variables (``customer_id``, ``role``) and source variables (``source_doc_id``,
  ``source_type``, ``source_customer_id``) have different names: QualCoder keeps one variable per
  name, either for cases or for files;
- source names are valid file names on Windows (QualCoder saves each source under its name),
  the original doc id stays in a variable and the source memo.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from nlp_jtbd import __version__
from nlp_jtbd.codebook import Codebook
from nlp_jtbd.export.refi.cases import Case, case_for, cases_element, speaker_key, variable_value
from nlp_jtbd.export.refi.codebook import resolve_codebook
from nlp_jtbd.export.refi.codes import Code, CodeTree, code_tree, codebook_element
from nlp_jtbd.export.refi.documents import Document, column, documents
from nlp_jtbd.export.refi.inputs import ProjectInput, check_labels, load_input
from nlp_jtbd.export.refi.positions import Utf16Index
from nlp_jtbd.export.refi.users import CANDIDATES_USER, THEMES_USER, Users, coder_name
from nlp_jtbd.export.refi.xml import (
    PROJECT_NS,
    USER_GUID,
    clean,
    file_name,
    guid,
    missing,
    serialise,
    sub,
)

CASE_VARIABLES = ("customer_id", "role")
SOURCE_VARIABLES = ("source_doc_id", "source_type", "source_customer_id")
VARIABLES = CASE_VARIABLES + SOURCE_VARIABLES
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _confidence(value: object) -> str:
    try:
        return "" if missing(value) else f" ({float(value):.2f})"
    except (TypeError, ValueError):
        return ""


class _Writer:
    """Writes the sources of one project, collecting its users and cases."""

    def __init__(self, data: ProjectInput, book: Codebook, tree: CodeTree) -> None:
        self.book = book
        self.tree = tree
        self.created = data.created
        self.predictions = data.predictions.drop_duplicates("utterance_id").set_index(
            "utterance_id"
        )
        self.assignments = data.assignments.drop_duplicates("utterance_id").set_index(
            "utterance_id"
        )
        self.variables = {name: guid("variable", name) for name in VARIABLES}
        self.users = Users()
        coders = column(data.predictions, "coder", "model").fillna("model").astype(str)
        counts = coders.value_counts()
        # the classifier first (QualCoder's coder after import), then the most frequent
        for coder in sorted(counts.index, key=lambda c: (not c.startswith("model"), -counts[c])):
            self.users.add(coder_name(coder, book))
        self.cases: dict[tuple[str, str], Case] = {}
        self.names: set[str] = set()

    def dated(self, element: etree._Element, user: str, *, modified: bool = True) -> None:
        """Give ``element`` its creating (and modifying) user and dates."""
        element.set("creatingUser", user)
        element.set("creationDateTime", self.created)
        if modified:
            element.set("modifyingUser", user)
            element.set("modifiedDateTime", self.created)

    def codings(self, utterance_id: str) -> list[tuple[str, str, list[Code], str]]:
        """(kind, user, codes, memo) of each selection the utterance gets: its category (with
        the coder of the prediction), its job candidate and its theme."""
        out: list[tuple[str, str, list[Code], str]] = []
        if utterance_id in self.predictions.index:
            pred = self.predictions.loc[utterance_id]
            code = self.tree.labels.get(str(pred["label"]))
            if code is not None:
                unsure = " unsure" if str(pred.get("unsure", "")).lower() == "true" else ""
                memo = f"category: {code.name}{_confidence(pred.get('confidence'))}{unsure}"
                user = self.users.add(coder_name(pred.get("coder", "model"), self.book))
                out.append(("category", user, [code], memo))
            candidate = self.tree.candidates.get(clean(pred.get("candidate_id")))
            if candidate is not None:
                user = self.users.add(CANDIDATES_USER)
                out.append(("candidate", user, [candidate], f"job candidate: {candidate.name}"))
        if utterance_id in self.assignments.index:
            assignment = self.assignments.loc[utterance_id]
            code = self.tree.clusters.get(int(assignment["cluster_id"]))
            if code is not None:
                memo = f"theme: {code.name}{_confidence(assignment.get('confidence'))}"
                out.append(("theme", self.users.add(THEMES_USER), [code], memo))
        return out

    def source(self, parent: etree._Element, doc: Document) -> None:
        """Append ``doc`` as a ``<TextSource>`` with one coded selection per coding."""
        first = doc.rows.iloc[0].to_dict()
        customers = set(column(doc.rows, "customer_id", "").fillna("").astype(str)) - {""}
        values = {
            "source_doc_id": doc.doc_id,
            "source_type": clean(first.get("source_type")),
            "source_customer_id": next(iter(customers)) if len(customers) == 1 else "",
        }
        source = sub(
            parent,
            "TextSource",
            guid=doc.guid,
            name=file_name(doc.doc_id, self.names),
            plainTextPath=f"internal://{doc.guid}.txt",
        )
        self.dated(source, USER_GUID)
        about = [f"Document {doc.doc_id}"]
        about += [f"{k.removeprefix('source_')}: {v}" for k, v in values.items() if v][1:]
        path = clean(first.get("source_path"))
        if path:
            about.append(f"file: {path}")
        sub(source, "Description", "; ".join(about))
        positions = Utf16Index(doc.text)
        speakers = set()
        for row in doc.rows.to_dict("records"):
            utterance_id = row["utterance_id"]
            start, end = doc.spans[utterance_id]
            key = speaker_key(row)
            speakers.add(key)
            if end <= start:
                continue
            for kind, user, codes, memo in self.codings(utterance_id):
                selection_guid = guid("selection", utterance_id, kind)
                first_pos, end_pos = positions.span(start, end)
                selection = sub(
                    source,
                    "PlainTextSelection",
                    guid=selection_guid,
                    name=utterance_id,
                    startPosition=str(first_pos),
                    endPosition=str(end_pos),
                )
                self.dated(selection, user)
                sub(selection, "Description", memo)
                for code in codes:
                    coding = sub(selection, "Coding", guid=guid("coding", utterance_id, code.guid))
                    self.dated(coding, user, modified=False)
                    sub(coding, "CodeRef", targetGUID=code.guid)
                case_for(self.cases, key, row).selections.append(selection_guid)
        if len(speakers) == 1 and next(iter(speakers))[:2] in self.cases:
            self.cases[next(iter(speakers))[:2]].sources.add(doc.guid)
        for name, value in values.items():
            if value:
                variable_value(source, self.variables[name], value)


def _notes_element(root: etree._Element, writer: _Writer, tree: CodeTree) -> None:
    """Append ``<Notes>``: each theme's memo (also its code's description), dated."""
    themes = [code for code in tree.clusters.values() if code.note]
    if not themes:
        return
    notes_el = sub(root, "Notes")
    for code in themes:
        note = sub(notes_el, "Note", guid=code.note or "", name=f"Theme {code.name}")
        writer.dated(note, USER_GUID)
        sub(note, "PlainTextContent", code.description)


def project_xml(data: ProjectInput, book: Codebook) -> tuple[bytes, dict[str, str]]:
    """``project.qde`` and the source texts (zip name → text)."""
    texts = dict(zip(data.utterances["utterance_id"], data.utterances["text"], strict=True))
    tree = code_tree(book, data.clusters, candidates=data.candidates, texts=texts)
    for cluster_id, code in tree.clusters.items():
        code.note = guid("note", "cluster", cluster_id, code.name)
    docs = documents(data.utterances)
    writer = _Writer(data, book, tree)
    sources_el = etree.Element(f"{{{PROJECT_NS}}}Sources")  # after the cases, once known
    for doc in docs:
        writer.source(sources_el, doc)

    root = etree.Element(
        f"{{{PROJECT_NS}}}Project",
        nsmap={None: PROJECT_NS},
        name=clean(f"nlp_jtbd analysis {data.folder.root.resolve().name}"),
        origin=f"nlp_jtbd {__version__}",
        creatingUserGUID=USER_GUID,
        creationDateTime=data.created,
        modifyingUserGUID=USER_GUID,
        modifiedDateTime=data.created,
    )
    writer.users.element(root)
    codebook_element(sub(root, "CodeBook"), tree)
    variables_el = sub(root, "Variables")
    for name, variable_guid in writer.variables.items():
        variable = sub(variables_el, "Variable", guid=variable_guid, name=name)
        variable.set("typeOfVariable", "Text")
        scope = "case (speaker)" if name in CASE_VARIABLES else "source (document)"
        sub(variable, "Description", f"Variable of each {scope}.")
    cases_element(root, writer.cases, writer.variables)
    if len(sources_el):
        root.append(sources_el)
    _notes_element(root, writer, tree)
    sub(
        root,
        "Description",
        f"Exported by nlp_jtbd {__version__}: {len(docs)} documents, codebook {book.ref}, "
        f"{len(data.clusters)} discovered themes, {len(data.candidates)} job candidates.",
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

    Each coded utterance becomes a text selection per coder: its category (the codebook's
    fallback label included, as "No JTBD content"), its theme (unless unassigned) and its job
    candidate (when the analysis has them); speakers are cases, themes carry memos.
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


__all__ = ["CASE_VARIABLES", "SOURCE_VARIABLES", "VARIABLES", "project_xml", "write_qdpx"]
