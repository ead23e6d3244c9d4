"""Comparing two codings of the same utterances (two coders, or a coder and the model)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nlp_jtbd.classify.metrics import agreement
from nlp_jtbd.codebook import Codebook
from nlp_jtbd.codebook.examples import normalise_label
from nlp_jtbd.errors import InputError, UsageError

ID_CANDIDATES = ("example_id", "utterance_id", "id")


def read_coding(
    path: str | Path, id_col: str | None = None, label_col: str = "label"
) -> pd.DataFrame:
    """A coding file (CSV, JSONL or Parquet) as ``id, label`` text columns; ``id_col`` names
    the id column (default: the first of example_id, utterance_id, id), ``label_col`` the
    label column (e.g. ``model_label`` or ``llm_label`` of codes a language model saw); rows
    with an empty label are left out."""
    from nlp_jtbd.tables import READERS

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist", fix="check the path")
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"cannot read {path.name}", fix="use .csv, .jsonl or .parquet")
    frame = (
        pd.read_csv(path, dtype=str, keep_default_na=False)
        if kind == "csv"
        else pd.read_parquet(path)
        if kind == "parquet"
        else pd.read_json(path, lines=True)
    )
    candidates = [id_col] if id_col else list(ID_CANDIDATES)
    key = next((c for c in candidates if c in frame.columns), None)
    if key is None or label_col not in frame.columns:
        raise InputError(
            f"{path} needs an id column ({' or '.join(candidates)}) and a '{label_col}' column",
            where="header",
            fix="name the id column with `id_col`; columns are: "
            + ", ".join(map(str, frame.columns)),
        )
    duplicated = frame[key].duplicated()
    if duplicated.any():
        raise UsageError(
            f"{path}: id '{frame.loc[duplicated, key].iloc[0]}' repeats",
            fix="each coded utterance must appear once",
        )
    coded = frame[[key, label_col]].rename(columns={key: "id", label_col: "label"}).astype(str)
    return coded[coded["label"].str.strip() != ""].reset_index(drop=True)


def compare_codings(
    first: pd.DataFrame,
    second: pd.DataFrame,
    book: Codebook,
    names: tuple[str, str] = ("A", "B"),
) -> dict[str, object]:
    """Cohen's kappa and Krippendorff's alpha of two ``id, label`` codings, overall and per
    label, with the number of ids each has that the other lacks (``unpaired``)."""
    merged = first.merge(second, on="id", suffixes=("_a", "_b"))
    if merged.empty:
        raise InputError(
            f"no ids in common between {names[0]} and {names[1]}",
            fix="both codings need the same ids in the id column",
        )
    for side, name in zip("ab", names, strict=True):
        labels = merged[f"label_{side}"].map(normalise_label)
        unknown = sorted(set(labels) - set(book.names))
        if unknown:
            raise InputError(
                f"coding {side.upper()} uses labels not in {book.ref}: {', '.join(unknown)}",
                where=name,
                fix=f"use one of {', '.join(book.names)}, or the right `codebook`",
            )
        merged[f"label_{side}"] = labels
    result = agreement(merged["label_a"], merged["label_b"], book.names)
    result["unpaired"] = {
        names[0]: int(len(first) - len(merged)),
        names[1]: int(len(second) - len(merged)),
    }
    return {"codebook": book.ref, **result}


def _by_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``id, label`` keyed by the whitespace-normalised text; texts coded twice keep the first."""
    keyed = frame.assign(id=frame["text"].astype(str).map(lambda t: " ".join(t.split())))
    return keyed.drop_duplicates("id")[["id", "label"]].astype(str)


def _table_with_text(path: Path) -> pd.DataFrame:
    """``id, label, text`` of a coding table, or of an analysis folder's predictions (joined
    with its utterances' text)."""
    if path.is_dir():
        from nlp_jtbd.analysis.folder import AnalysisFolder

        folder = AnalysisFolder(path)
        predictions, utterances = folder.read("predictions"), folder.read("utterances")
        if predictions is None or utterances is None:
            raise InputError(
                f"{path} has no predictions.csv and utterances.parquet",
                fix="pass an analysis folder (`jtbd analyze --out DIR`) or a coding file",
            )
        frame = predictions[["utterance_id", "label"]].merge(
            utterances[["utterance_id", "text"]], on="utterance_id"
        )
        return frame.rename(columns={"utterance_id": "id"}).astype(str)
    coding = read_coding(path)
    from nlp_jtbd.tables import READERS

    kind = READERS.get(path.suffix.lower())
    full = (
        pd.read_csv(path, dtype=str, keep_default_na=False)
        if kind == "csv"
        else pd.read_parquet(path)
        if kind == "parquet"
        else pd.read_json(path, lines=True)
    )
    if "text" not in full.columns:
        raise InputError(
            f"{path} has no 'text' column, which pairs its rows with the project's selections",
            fix="pass the analysis folder itself (its predictions are joined with their text)",
        )
    return coding.assign(text=full["text"].astype(str).to_numpy())


def agreement_inputs(
    first: str | Path,
    second: str | Path | None,
    book: Codebook,
    *,
    coders: tuple[str, ...] = (),
    code_map: str | Path | dict[str, str | None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, str]]:
    """The two ``id, label`` codings ``jtbd agreement`` compares, with their names.

    A ``.qdpx`` is read with :func:`~nlp_jtbd.export.refi.codings.read_codings` (codes mapped
    by ``code_map``): alone, its two ``coders`` (or its only two coders) are compared unit by
    unit; two projects pair their units, one coder each. A project against a coding table or
    an analysis folder (the model's predictions) pairs units and rows by their text.
    """
    from nlp_jtbd.export.refi.codings import read_code_map, read_codings

    paths = [Path(first)] + ([Path(second)] if second is not None else [])
    if not isinstance(code_map, dict):
        code_map = read_code_map(code_map)
    projects = {p: read_codings(p, book, code_map) for p in set(paths) if p.suffix == ".qdpx"}
    if not projects:
        if len(paths) < 2:
            raise UsageError("agreement needs two codings", fix="pass two files, or a .qdpx")
        a, b = (read_coding(p) for p in paths)
        return a, b, (paths[0].name, paths[1].name)
    wanted = list(coders)
    if len(paths) == 1 or paths[0] == paths[-1]:
        codings = projects[paths[0]]
        pair = wanted if len(wanted) == 2 else codings.coders if len(codings.coders) == 2 else []
        if len(pair) != 2:
            raise UsageError(
                f"{paths[0].name} has coders {', '.join(repr(c) for c in codings.coders)}: "
                "say which two to compare",
                fix="name two of them with `coder`",
            )
        a, b = (codings.coder_labels(c) for c in pair)
        return a[["id", "label"]], b[["id", "label"]], (pair[0], pair[1])
    sides, names = [], []
    for path in paths:
        if path in projects:
            codings = projects[path]
            coder = wanted.pop(0) if wanted else None
            if coder is None and len(codings.coders) != 1:
                raise UsageError(
                    f"{path.name} has coders {', '.join(repr(c) for c in codings.coders)}",
                    fix="name the coder of each project with `coder` (in the order given)",
                )
            coder = coder or codings.coders[0]
            sides.append(codings.coder_labels(coder))
            names.append(f"{path.name} ({coder})")
        else:
            sides.append(_table_with_text(path))
            names.append(path.name)
    if all(p in projects for p in paths):
        return sides[0][["id", "label"]], sides[1][["id", "label"]], (names[0], names[1])
    return _by_text(sides[0]), _by_text(sides[1]), (names[0], names[1])


__all__ = ["agreement_inputs", "compare_codings", "read_coding"]
