"""Read an analysis folder (what `jtbd analyze` writes) for the report; every file but three is
optional, and a missing one only leaves its section out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp_jtbd.errors import InputError
from nlp_jtbd.tables import read_utterances

REQUIRED = ("utterances.parquet", "clusters.csv", "assignments.csv")
CROSS_ORDER = ("category", "cluster", "jtbd_segment")
ID_COLUMNS = {
    c: str
    for c in (
        "utterance_id",
        "customer_id",
        "segment",
        "item",
        "label",
        "label_2",
        "label_3",
        "quote_ids",
        "doc_id",
        "speaker",
    )
}


@dataclass
class Analysis:
    """The tables of one analysis folder; optional ones are None (or empty) when absent."""

    root: Path
    utterances: pd.DataFrame
    clusters: pd.DataFrame
    assignments: pd.DataFrame
    summary: dict[str, object] = field(default_factory=dict)
    representatives: pd.DataFrame | None = None
    map: pd.DataFrame | None = None
    predictions: pd.DataFrame | None = None
    forces: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None
    profiles: pd.DataFrame | None = None
    rules: dict[str, object] | None = None
    cross: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: pd.DataFrame | None = None
    jtbd_profiles: pd.DataFrame | None = None

    @property
    def files(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_file())


def _fix(root: Path) -> str:
    return (
        f"run `jtbd analyze INTERVIEWS REVIEWS --out {root}` first (add --metrics for segments "
        "and crossing), then `jtbd report` on that folder"
    )


def read_csv(path: Path, columns: tuple[str, ...], *, optional: bool = True) -> pd.DataFrame | None:
    """A CSV of the analysis with at least COLUMNS; None when it is optional and absent."""
    if not path.exists():
        if optional:
            return None
        raise InputError(f"{path} does not exist", fix=_fix(path.parent))
    try:
        frame = pd.read_csv(
            path, dtype=ID_COLUMNS, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    except pd.errors.EmptyDataError as exc:
        raise InputError(
            f"{path} is empty (not even a header)", fix=f"re-create it: {_fix(path.parent)}"
        ) from exc
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            f"cannot read {path}: {exc.__class__.__name__}: {str(exc)[:200]}",
            fix=f"check the file is complete CSV; or re-create it: {_fix(path.parent)}",
        ) from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path.name} has no column {', '.join(repr(c) for c in missing)}",
            where=str(path),
            fix="is it the file `jtbd analyze` wrote? columns are: "
            + ", ".join(map(str, frame.columns)),
        )
    return frame


def read_json(path: Path) -> dict[str, object] | None:
    """A JSON object, or None when the file is absent."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"cannot read {path}: {str(exc)[:200]}", fix=f"re-create it: {_fix(path.parent)}"
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"{path} is not a JSON object", fix=f"re-create it: {_fix(path.parent)}")
    return data


def _ints(frame: pd.DataFrame, column: str, path: Path) -> pd.DataFrame:
    try:
        frame[column] = pd.to_numeric(frame[column]).astype(int)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"{path.name}: column '{column}' must hold whole numbers",
            where=str(path),
            fix=f"re-create it: {_fix(path.parent)}",
        ) from exc
    return frame


def load_analysis(root: Path) -> Analysis:
    """Read ROOT; InputError names what is missing or broken and how to make it."""
    root = Path(root)
    if not root.exists():
        raise InputError(f"analysis folder {root} does not exist", fix=_fix(root))
    if not root.is_dir():
        raise InputError(
            f"{root} is a file, not an analysis folder", fix="give the folder `jtbd analyze` wrote"
        )
    missing = [name for name in REQUIRED if not (root / name).exists()]
    if missing:
        raise InputError(
            f"{root} is not an analysis folder: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing",
            fix=_fix(root),
        )
    path = root / "clusters.csv"
    clusters = _ints(
        read_csv(path, ("cluster_id", "size", "label"), optional=False), "cluster_id", path
    )
    path = root / "assignments.csv"
    assignments = _ints(
        read_csv(path, ("utterance_id", "cluster_id"), optional=False), "cluster_id", path
    )
    analysis = Analysis(
        root=root,
        utterances=read_utterances(root / "utterances.parquet"),
        clusters=clusters,
        assignments=assignments,
        summary=read_json(root / "summary.json") or {},
    )
    representatives = read_csv(root / "representatives.csv", ("cluster_id", "utterance_id"))
    if representatives is not None:
        analysis.representatives = _ints(
            representatives, "cluster_id", root / "representatives.csv"
        )
    analysis.map = read_csv(root / "map.csv", ("utterance_id", "x", "y"))
    analysis.predictions = read_csv(root / "predictions.csv", ("utterance_id", "label"))
    analysis.forces = read_csv(root / "forces.csv", ("utterance_id", "label"))
    analysis.segments = read_csv(root / "segments.csv", ("customer_id", "segment"))
    analysis.profiles = read_csv(root / "segments_profiles.csv", ("segment", "size"))
    analysis.rules = read_json(root / "segments_rules.json")
    analysis.findings = read_csv(root / "findings.csv", ("segment", "dimension", "item"))
    analysis.jtbd_profiles = read_csv(root / "jtbd_profiles.csv", ("customer_id",))
    needed = ("segment", "item", "count", "segment_size", "lift", "p_value", "q_value")
    paths = sorted(root.glob("cross_*.csv"))
    rank = {name: i for i, name in enumerate(CROSS_ORDER)}
    for path in sorted(paths, key=lambda p: (rank.get(p.stem[6:], len(rank)), p.stem)):
        table = read_csv(path, needed)
        if table is not None:
            analysis.cross[path.stem[6:]] = table
    return analysis
