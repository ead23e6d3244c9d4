"""The analysis folder: every file name, and the one way each table is read and written.

Stages, the report, the exports, the CLI and the API all go through :class:`AnalysisFolder`;
no other module spells out a file name of the folder or its CSV options.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp_jtbd.errors import InputError
from nlp_jtbd.tables import read_utterances


@dataclass(frozen=True)
class TableSpec:
    """One table of the folder: its file, the stage that writes it, the columns a reader needs
    and the columns that hold whole numbers."""

    filename: str
    stage: str
    columns: tuple[str, ...]
    ints: tuple[str, ...] = ()


_CROSS_COLUMNS = ("segment", "item", "count", "segment_size", "lift", "p_value", "q_value")
# The crossing's dimensions, in the order the report shows them (``cluster`` only where the
# analysis has no candidates, e.g. `jtbd cross` on discovery outputs).
CROSS_DIMENSIONS = ("candidate", "jtbd_segment", "category", "cluster")

TABLES: dict[str, TableSpec] = {
    "utterances": TableSpec("utterances.parquet", "ingest", ("utterance_id", "text")),
    "speakers": TableSpec(
        "speakers.csv", "ingest", ("doc_id", "speaker", "role"), ("turns", "words")
    ),
    "clusters": TableSpec(
        "clusters.csv", "discover", ("cluster_id", "size", "label"), ("cluster_id",)
    ),
    "representatives": TableSpec(
        "representatives.csv", "discover", ("cluster_id", "utterance_id"), ("cluster_id",)
    ),
    "assignments": TableSpec(
        "assignments.csv", "discover", ("utterance_id", "cluster_id"), ("cluster_id",)
    ),
    "map": TableSpec("map.csv", "discover", ("utterance_id", "x", "y")),
    "predictions": TableSpec("predictions.csv", "classify", ("utterance_id", "label")),
    "candidates": TableSpec(
        "candidates.csv",
        "synthesize",
        ("candidate_id", "category", "name", "customers", "quote_ids"),
        ("customers", "documents", "utterances"),
    ),
    "forces": TableSpec("forces.csv", "classify", ("utterance_id", "label")),
    "segments": TableSpec("segments.csv", "abcdx", ("customer_id", "segment")),
    "segments_profiles": TableSpec("segments_profiles.csv", "abcdx", ("segment", "size")),
    **{
        f"cross_{dimension}": TableSpec(f"cross_{dimension}.csv", "cross", _CROSS_COLUMNS)
        for dimension in CROSS_DIMENSIONS
    },
    "findings": TableSpec("findings.csv", "cross", ("segment", "dimension", "item")),
    "jtbd_profiles": TableSpec("jtbd_profiles.csv", "cross", ("customer_id",)),
}
DOCUMENTS = {"summary": "summary.json", "segments_rules": "segments_rules.json"}
MODEL = "model"  # the fitted discovery model, for `assign`
REPORT = "report.html"
# The tables without which there is no analysis to report or export.
REQUIRED = ("utterances", "clusters", "assignments")
# Columns read as text whatever they look like (ids and labels such as "007" or "12").
TEXT_COLUMNS = (
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
    "candidate_id",
    "name",
    "item_name",
    "text",
    "question",
    "document",
    "role",
    "main_job",
    "main_job_name",
    "jtbd_segment",
    "triggers",
    "barriers",
    "big_jobs",
    "subtasks",
)
_CSV_READ = {
    "dtype": dict.fromkeys(TEXT_COLUMNS, str),
    "keep_default_na": False,
    "na_values": [""],
    "encoding": "utf-8-sig",
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
    candidates: pd.DataFrame | None = None
    forces: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None
    profiles: pd.DataFrame | None = None
    rules: dict[str, object] | None = None
    cross: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: pd.DataFrame | None = None
    jtbd_profiles: pd.DataFrame | None = None

    @property
    def files(self) -> list[str]:
        return AnalysisFolder(self.root).files()


class AnalysisFolder:
    """An analysis folder on disk (``jtbd analyze --out DIR``, or an API job's work folder)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"AnalysisFolder({str(self.root)!r})"

    # -- names ------------------------------------------------------------------------------
    def path(self, name: str) -> Path:
        """Where table or document ``name`` (e.g. ``clusters``, ``summary``) lives."""
        if name in TABLES:
            return self.root / TABLES[name].filename
        if name in DOCUMENTS:
            return self.root / DOCUMENTS[name]
        raise KeyError(f"the analysis folder has no table or document '{name}'")

    @property
    def model_dir(self) -> Path:
        return self.root / MODEL

    @property
    def report_path(self) -> Path:
        return self.root / REPORT

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def files(self) -> list[str]:
        """The files directly in the folder, by name."""
        return sorted(p.name for p in self.root.iterdir() if p.is_file())

    def create(self) -> AnalysisFolder:
        self.root.mkdir(parents=True, exist_ok=True)
        return self

    # -- writing ----------------------------------------------------------------------------
    def write(self, name: str, frame: pd.DataFrame) -> Path:
        """Write table ``name``: Parquet for the utterances, CSV (no index) for the rest."""
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
        return path

    def write_json(self, name: str, data: dict[str, object]) -> Path:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
        return path

    # -- reading ----------------------------------------------------------------------------
    def read(self, name: str, *, optional: bool = True) -> pd.DataFrame | None:
        """Table ``name`` with at least its needed columns; None when optional and absent."""
        path = self.path(name)
        if not path.exists():
            if optional:
                return None
            raise InputError(f"{path} does not exist", fix=self._fix())
        if name == "utterances":
            return read_utterances(path)
        spec = TABLES[name]
        try:
            frame = pd.read_csv(path, **_CSV_READ)
        except pd.errors.EmptyDataError as exc:
            raise InputError(
                f"{path} is empty (not even a header)", fix=f"re-create it: {self._fix()}"
            ) from exc
        except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise InputError(
                f"cannot read {path}: {exc.__class__.__name__}: {str(exc)[:200]}",
                fix=f"check the file is complete CSV; or re-create it: {self._fix()}",
            ) from exc
        missing = [c for c in spec.columns if c not in frame.columns]
        if missing:
            raise InputError(
                f"{path.name} has no column {', '.join(repr(c) for c in missing)}",
                where=str(path),
                fix="is it the file the analysis wrote? columns are: "
                + ", ".join(map(str, frame.columns)),
            )
        for column in spec.ints:
            try:
                frame[column] = pd.to_numeric(frame[column]).astype(int)
            except (ValueError, TypeError) as exc:
                raise InputError(
                    f"{path.name}: column '{column}' must hold whole numbers",
                    where=str(path),
                    fix=f"re-create it: {self._fix()}",
                ) from exc
        return frame

    def read_json(self, name: str) -> dict[str, object] | None:
        """Document ``name`` as a JSON object, or None when absent."""
        path = self.path(name)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(
                f"cannot read {path}: {str(exc)[:200]}", fix=f"re-create it: {self._fix()}"
            ) from exc
        if not isinstance(data, dict):
            raise InputError(f"{path} is not a JSON object", fix=f"re-create it: {self._fix()}")
        return data

    def cross_tables(self) -> dict[str, pd.DataFrame]:
        """The crossing's tables by dimension (``candidate``, ``jtbd_segment``, ``category``,
        ``cluster``), those present."""
        tables = {}
        for dimension in CROSS_DIMENSIONS:
            table = self.read(f"cross_{dimension}")
            if table is not None:
                tables[dimension] = table
        return tables

    def check(self) -> AnalysisFolder:
        """The folder exists and holds the required tables; InputError says how to make it."""
        if not self.root.exists():
            raise InputError(f"analysis folder {self.root} does not exist", fix=self._fix())
        if not self.root.is_dir():
            raise InputError(
                f"{self.root} is a file, not an analysis folder",
                fix="give the folder the analysis wrote",
            )
        missing = [TABLES[n].filename for n in REQUIRED if not self.exists(n)]
        if missing:
            raise InputError(
                f"{self.root} is not an analysis folder: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing",
                fix=self._fix(),
            )
        return self

    def load(self) -> Analysis:
        """Every table of the folder; InputError names what is missing or broken."""
        self.check()
        analysis = Analysis(
            root=self.root,
            utterances=self.read("utterances", optional=False),
            clusters=self.read("clusters", optional=False),
            assignments=self.read("assignments", optional=False),
            summary=self.read_json("summary") or {},
        )
        analysis.representatives = self.read("representatives")
        analysis.map = self.read("map")
        analysis.predictions = self.read("predictions")
        analysis.candidates = self.read("candidates")
        analysis.forces = self.read("forces")
        analysis.segments = self.read("segments")
        analysis.profiles = self.read("segments_profiles")
        analysis.rules = self.read_json("segments_rules")
        analysis.findings = self.read("findings")
        analysis.jtbd_profiles = self.read("jtbd_profiles")
        analysis.cross = self.cross_tables()
        return analysis

    def _fix(self) -> str:
        return (
            f"run the analysis with this folder as its output ({self.root}) first, with customer "
            "metrics for segments and crossing"
        )


__all__ = ["CROSS_DIMENSIONS", "TABLES", "Analysis", "AnalysisFolder", "TableSpec"]
