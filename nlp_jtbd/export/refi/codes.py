"""The code tree of a REFI-QDA export: the codebook's categories, the discovered themes
(clusters) and the job candidates, and its ``<Codes>`` XML.

Every code has a colour (QualCoder draws a random one for a code without), a description (the
code memo in QualCoder, MAXQDA and ATLAS.ti) and a name unique in the whole tree (QualCoder
keeps one code per name); parents are not codable (QualCoder makes them categories).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from lxml import etree

from nlp_jtbd.analysis.folder import TABLES
from nlp_jtbd.codebook import Codebook
from nlp_jtbd.errors import InputError
from nlp_jtbd.export.refi.xml import clean, guid, missing, sub

THEMES_CODE = "Discovered themes"
CANDIDATES_CODE = "Job candidates"
# Colours: distinct hues for the categories, grey for "nothing applies", muted for themes.
_LABEL_COLOURS = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
    "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#17BECF",
)  # fmt: skip
_FALLBACK_COLOUR = "#BAB0AC"
_THEME_COLOURS = ("#A0CBE8", "#FFBE7D", "#8CD17D", "#F1CE63", "#D4A6C8", "#86BCB6", "#FABFD2")
_CANDIDATE_COLOUR = "#D37295"


@dataclass
class Code:
    """One code; a parent (not codable) holds its children."""

    guid: str
    name: str
    codable: bool
    description: str = ""
    note: str | None = None
    color: str | None = None
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


@dataclass(frozen=True)
class Candidate:
    """A job candidate (``candidates.csv``) as the export needs it."""

    id: str
    category: str
    name: str
    description: str

    @property
    def code_name(self) -> str:
        return f"{self.id} {self.name}".strip()


@dataclass
class CodeTree:
    """The root codes, and the codable ones by codebook label, cluster id and candidate id."""

    roots: list[Code]
    labels: dict[str, Code]
    clusters: dict[int, Code]
    candidates: dict[str, Code] = field(default_factory=dict)

    def all_codes(self) -> list[Code]:
        """Every code, parents before their children."""
        out: list[Code] = []
        stack = list(reversed(self.roots))
        while stack:
            code = stack.pop()
            out.append(code)
            stack.extend(reversed(code.children))
        return out


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


def parse_candidates(frame: pd.DataFrame | None) -> list[Candidate]:
    """Candidate rows (``candidate_id``, ``category``, ``name``, more columns described), sorted
    by id; none without the table or its ``candidate_id`` column."""
    if frame is None or "candidate_id" not in frame.columns:
        return []
    out = []
    for row in frame.to_dict("records"):
        ident = clean(row.get("candidate_id"))
        if not ident:
            continue
        extra = [
            f"{k}: {clean(v)}"
            for k, v in row.items()
            if k not in ("candidate_id", "name", "quote_ids") and not missing(v) and clean(v)
        ]
        out.append(
            Candidate(
                id=ident,
                category=clean(row.get("category")),
                name=clean(row.get("name")),
                description="\n".join(extra),
            )
        )
    return sorted(out, key=lambda c: c.id)


def cluster_memo(cluster: Cluster, texts: dict[str, str] | None = None, quotes: int = 5) -> str:
    """A theme's memo: label, size, keywords and up to ``quotes`` representative utterances."""
    lines = [f"Theme #{cluster.id}: {cluster.label}"]
    if cluster.size is not None:
        lines.append(f"Size: {cluster.size} utterances")
    lines.append(f"Keywords: {cluster.keywords or '-'}")
    shown = [texts[r] for r in cluster.representatives if texts and r in texts][:quotes]
    if shown:
        lines.append("Representative utterances:")
        lines.extend(f"- {q}" for q in shown)
    return "\n".join(lines)


def code_tree(
    book: Codebook,
    clusters: list[Cluster],
    *,
    include_fallback: bool = True,
    candidates: list[Candidate] | None = None,
    texts: dict[str, str] | None = None,
) -> CodeTree:
    """The codes: a parent "JTBD categories (<ref>)" with a code per label (the fallback label
    only when ``include_fallback``), "Discovered themes" with a code per cluster (its memo
    quoting ``texts`` of its representatives) and "Job candidates" with one per candidate."""
    categories = Code(
        guid=guid("codebook", book.ref),
        name=f"JTBD categories ({book.ref})",
        codable=False,
        description=book.description or book.title,
    )
    labels: dict[str, Code] = {}
    for i, label in enumerate(book.labels):
        fallback = label.name == book.fallback_label
        if fallback and not include_fallback:
            continue
        code = Code(
            guid=guid("label", book.ref, label.name),
            name=label.title or label.name,
            codable=True,
            description=f"{label.definition}\n\nCodebook label: {label.name} ({book.ref})",
            color=_FALLBACK_COLOUR if fallback else _LABEL_COLOURS[i % len(_LABEL_COLOURS)],
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
                description=cluster_memo(cluster, texts),
                color=_THEME_COLOURS[cluster.id % len(_THEME_COLOURS)],
            )
            themes[cluster.id] = code
            parent.children.append(code)
        roots.append(parent)
    jobs: dict[str, Code] = {}
    if candidates:
        parent = Code(
            guid=guid("candidates"),
            name=CANDIDATES_CODE,
            codable=False,
            description="Job candidates the analysis proposed (candidates.csv).",
        )
        for candidate in candidates:
            code = Code(
                guid=guid("candidate", candidate.id),
                name=candidate.code_name,
                codable=True,
                description=candidate.description,
                color=_CANDIDATE_COLOUR,
            )
            jobs[candidate.id] = code
            parent.children.append(code)
        roots.append(parent)
    return CodeTree(roots=roots, labels=labels, clusters=themes, candidates=jobs)


def _code_element(parent: etree._Element, code: Code) -> None:
    element = sub(
        parent,
        "Code",
        guid=code.guid,
        name=code.name,
        isCodable="true" if code.codable else "false",
    )
    if code.color:
        element.set("color", code.color)
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
    "CANDIDATES_CODE",
    "THEMES_CODE",
    "Candidate",
    "Cluster",
    "Code",
    "CodeTree",
    "cluster_memo",
    "code_tree",
    "codebook_element",
    "parse_candidates",
    "parse_clusters",
]
