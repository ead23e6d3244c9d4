"""The code tree of a REFI-QDA export: the codebook's categories and the discovered themes
(clusters), and its ``<Codes>`` XML."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from lxml import etree

from nlp_jtbd.analysis.folder import TABLES
from nlp_jtbd.codebook import Codebook
from nlp_jtbd.errors import InputError
from nlp_jtbd.export.refi.xml import clean, guid, missing, sub

THEMES_CODE = "Discovered themes"


@dataclass
class Code:
    """One code; a parent (not codable) holds its children."""

    guid: str
    name: str
    codable: bool
    description: str = ""
    note: str | None = None
    children: list[Code] = field(default_factory=list)


@dataclass(frozen=True)
class Cluster:
    """A discovered theme as the export needs it."""

    id: int
    label: str
    size: int | None
    keywords: str
    representatives: tuple[str, ...]

    @property
    def code_name(self) -> str:
        return f"#{self.id} {self.label}".strip()


@dataclass
class CodeTree:
    """The root codes, and the codable ones by codebook label and by cluster id."""

    roots: list[Code]
    labels: dict[str, Code]
    clusters: dict[int, Code]


def parse_clusters(frame: pd.DataFrame | None, where: str = "clusters") -> list[Cluster]:
    """Cluster rows sorted by id; -1 (unassigned) is not a theme."""
    if frame is None:
        return []
    fix = f"pass {TABLES['clusters'].filename} as written by `jtbd discover` or `jtbd analyze`"
    if "cluster_id" not in frame.columns:
        raise InputError("the clusters table has no 'cluster_id' column", where=where, fix=fix)
    out = []
    for row in frame.to_dict("records"):
        try:
            cluster_id = int(row["cluster_id"])
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"cluster_id '{row['cluster_id']}' is not a whole number", where=where, fix=fix
            ) from exc
        if cluster_id < 0:
            continue
        size = row.get("size")
        reps = clean(row.get("representative_ids")).replace(",", ";").split(";")
        out.append(
            Cluster(
                id=cluster_id,
                label=clean(row.get("label")),
                size=None if missing(size) else int(size),
                keywords=clean(row.get("keywords")),
                representatives=tuple(r.strip() for r in reps if r.strip()),
            )
        )
    return sorted(out, key=lambda c: c.id)


def code_tree(book: Codebook, clusters: list[Cluster], *, include_fallback: bool) -> CodeTree:
    """The codes: a parent "JTBD categories (<ref>)" with a code per label (the fallback label
    only when ``include_fallback``), and "Discovered themes" with a code per cluster."""
    categories = Code(
        guid=guid("codebook", book.ref),
        name=f"JTBD categories ({book.ref})",
        codable=False,
        description=book.description or book.title,
    )
    labels: dict[str, Code] = {}
    for label in book.labels:
        if label.name == book.fallback_label and not include_fallback:
            continue
        code = Code(
            guid=guid("label", book.ref, label.name),
            name=label.title or label.name,
            codable=True,
            description=label.definition,
        )
        labels[label.name] = code
        categories.children.append(code)
    roots = [categories]
    themes: dict[int, Code] = {}
    if clusters:
        parent = Code(
            guid=guid("themes"),
            name=THEMES_CODE,
            codable=False,
            description="Themes found by clustering the utterances (nlp_jtbd discover).",
        )
        for cluster in clusters:
            code = Code(
                guid=guid("cluster", cluster.id, cluster.label),
                name=cluster.code_name,
                codable=True,
                description=cluster.keywords,
            )
            themes[cluster.id] = code
            parent.children.append(code)
        roots.append(parent)
    return CodeTree(roots=roots, labels=labels, clusters=themes)


def _code_element(parent: etree._Element, code: Code) -> None:
    element = sub(
        parent,
        "Code",
        guid=code.guid,
        name=code.name,
        isCodable="true" if code.codable else "false",
    )
    if code.description.strip():
        sub(element, "Description", code.description.strip())
    if code.note:
        sub(element, "NoteRef", targetGUID=code.note)
    for child in code.children:
        _code_element(element, child)


def codebook_element(parent: etree._Element, tree: CodeTree) -> None:
    """Append ``<Codes>`` with the whole tree to ``parent`` (a CodeBook element)."""
    codes = sub(parent, "Codes")
    for code in tree.roots:
        _code_element(codes, code)


__all__ = [
    "THEMES_CODE",
    "Cluster",
    "Code",
    "CodeTree",
    "code_tree",
    "codebook_element",
    "parse_clusters",
]
