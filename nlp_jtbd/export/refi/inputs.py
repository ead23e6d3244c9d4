"""What a REFI-QDA project is made from: the analysis folder's tables, read through
:class:`~nlp_jtbd.analysis.folder.AnalysisFolder` and checked to belong to one run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nlp_jtbd.analysis.folder import TABLES, AnalysisFolder
from nlp_jtbd.codebook import Codebook
from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.export.refi.codes import Candidate, Cluster, parse_candidates, parse_clusters
from nlp_jtbd.export.refi.xml import timestamp

# The tables a project needs: texts, themes and categories.
REQUIRED = ("utterances", "clusters", "assignments", "predictions")
_ONE_RUN = "the files come from different runs; re-run `jtbd analyze` into one folder"


@dataclass
class ProjectInput:
    """The checked tables of one analysis folder."""

    folder: AnalysisFolder
    utterances: pd.DataFrame
    clusters: list[Cluster]
    assignments: pd.DataFrame
    predictions: pd.DataFrame
    candidates: list[Candidate]
    created: str  # xsd:dateTime of the analysis run, the date of every element


def _created(folder: AnalysisFolder) -> str:
    """When the analysis ran (summary.json's ``created``), else when its utterances were
    written: a date that stays the same for the same folder, so exports are reproducible."""
    import json

    summary = folder.root / "summary.json"
    try:
        created = json.loads(summary.read_text("utf-8")).get("created")
    except (OSError, ValueError, AttributeError):
        created = None
    if created:
        return timestamp(created)
    return timestamp(folder.path("utterances").stat().st_mtime)


def _candidates(folder: AnalysisFolder) -> list[Candidate]:
    """The job candidates (candidates.csv), when the analysis proposed any."""
    path = folder.root / "candidates.csv"
    if not path.exists():
        return []
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(
            f"cannot read it: {exc}", where=str(path), fix="re-run `jtbd analyze` to write it"
        ) from exc
    return parse_candidates(frame)


def _require(frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None:  # read(optional=False) raises instead; this narrows the type
        raise AssertionError("a required table was not read")
    return frame


def load_input(root: str | Path) -> ProjectInput:
    """The tables of ``root``; InputError names the missing tables (and the stage that writes
    them), stray utterance ids and clusters assigned but not described."""
    folder = AnalysisFolder(root)
    if not folder.root.is_dir():
        raise InputError(
            f"{folder.root} is not a folder",
            fix="pass the folder an analysis wrote (`jtbd analyze INPUT... --out DIR`)",
        )
    missing = [name for name in REQUIRED if not folder.exists(name)]
    if missing:
        stages = ", ".join(f"{TABLES[n].filename} (from {TABLES[n].stage})" for n in missing)
        raise InputError(
            f"the analysis folder lacks {stages}",
            where=str(folder.root),
            fix="run `jtbd analyze INPUT... --out DIR`, which writes all of them, and export DIR",
        )
    utterances = _require(folder.read("utterances", optional=False))
    if "doc_id" not in utterances.columns:
        raise InputError(
            "no 'doc_id' column",
            where=str(folder.path("utterances")),
            fix="re-run `jtbd analyze` to write it again",
        )
    assignments = _require(folder.read("assignments", optional=False))
    predictions = _require(folder.read("predictions", optional=False))
    clusters = parse_clusters(
        folder.read("clusters", optional=False), where=str(folder.path("clusters"))
    )
    known = set(utterances["utterance_id"])
    for name, frame in (("assignments", assignments), ("predictions", predictions)):
        stray = frame.loc[~frame["utterance_id"].isin(known), "utterance_id"]
        if len(stray):
            raise InputError(
                f"{len(stray)} utterance ids are not in {TABLES['utterances'].filename}"
                f" (e.g. '{stray.iloc[0]}')",
                where=str(folder.path(name)),
                fix=_ONE_RUN,
            )
    assigned = assignments["cluster_id"]
    unknown = sorted(set(assigned[assigned >= 0]) - {c.id for c in clusters})
    if unknown:
        raise InputError(
            f"clusters {', '.join(map(str, unknown[:5]))} are assigned but not in "
            f"{TABLES['clusters'].filename}",
            where=str(folder.path("assignments")),
            fix=_ONE_RUN,
        )
    return ProjectInput(
        folder,
        utterances,
        clusters,
        assignments,
        predictions,
        candidates=_candidates(folder),
        created=_created(folder),
    )


def check_labels(book: Codebook, data: ProjectInput) -> None:
    """UsageError when the predictions use labels the codebook lacks."""
    labels = set(data.predictions["label"].dropna().astype(str))
    unknown = sorted(labels - set(book.names))
    if unknown:
        raise UsageError(
            f"predictions use labels that codebook {book.ref} lacks: {', '.join(unknown[:5])}",
            where=str(data.folder.path("predictions")),
            fix="pass the codebook the classifier was trained with (codebook=ID)",
        )


__all__ = ["REQUIRED", "ProjectInput", "check_labels", "load_input"]
