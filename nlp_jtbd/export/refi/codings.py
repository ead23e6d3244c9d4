"""Human codings from a REFI-QDA project (``.qdpx``) as training data and for agreement.

A project coded in ATLAS.ti, MAXQDA, NVivo or QualCoder holds text selections, each with codes
and a coder. They become labelled *units*, the sentences the ingester would make:

- each source is cut into lines (turns; a leading ``Name:`` that starts two lines or more is
  the speaker, not text) and each line into sentences (the ingester's ``split_sentences``);
- a selection labels every sentence it covers for at least ``min_overlap`` (half) of the
  sentence's characters: a selection over several sentences labels each of them, one that cuts
  a sentence labels it only if it covers most of it (the others are reported as ``cut``);
- tool code names become codebook labels through the code map (``{tool code: label}``, YAML;
  a label name or title matches itself without one); codes that map to nothing are reported
  (``unmapped``) and ignored, a code mapped to null is ignored silently;
- a sentence one coder gave two labels is a ``conflict`` (reported, not trained on), except that
  the codebook's fallback label yields to any other; when several coders are used, a sentence
  they labelled differently is a conflict too.

The context of a sentence (the interviewer's question) is the last sentence of the previous
line of another speaker when it ends with ``?``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from nlp_jtbd.codebook import Codebook
from nlp_jtbd.codebook.examples import CodedExamples, normalise_label
from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.export.refi.reader import read_qdpx

_SPEAKER = re.compile(r"^(?P<speaker>\w[\w .'’()\-]{0,39}):[ \t]+(?=\S)")
_TOOL_PREFIX = "nlp_jtbd "
UNIT_COLUMNS = ("unit_id", "source", "start", "end", "text", "speaker", "context", "coder", "label")


@dataclass
class ProjectCodings:
    """The labelled units of one project (a row per unit and coder) and what was left out."""

    units: pd.DataFrame
    coders: list[str]
    report: dict[str, Any] = field(default_factory=dict)

    def coder_labels(self, coder: str) -> pd.DataFrame:
        """``id, label, text`` of one coder (units without a conflict)."""
        if coder not in self.coders:
            raise UsageError(
                f"no coder '{coder}' in the project",
                fix=f"use one of `coder`: {', '.join(repr(c) for c in self.coders)}",
            )
        rows = self.units[(self.units["coder"] == coder) & (self.units["label"] != "")]
        return rows[["unit_id", "label", "text"]].rename(columns={"unit_id": "id"})


def read_code_map(path: str | Path | None) -> dict[str, str | None]:
    """A code map: a YAML mapping of tool code names (or ``Parent/Child`` paths) to codebook
    labels, null for codes to ignore; an empty map without ``path``."""
    if path is None:
        return {}
    import yaml

    path = Path(path)
    fix = "write one `tool code name: label` per line (label null to ignore a code)"
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the code map: {exc}", where=str(path), fix=fix) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("the code map is not a mapping", where=str(path), fix=fix)
    return {str(k).strip(): None if v is None else str(v).strip() for k, v in data.items()}


def _label_index(book: Codebook, code_map: dict[str, str | None]) -> dict[str, str | None]:
    """Normalised tool code name or path → label (None: ignore)."""
    index: dict[str, str | None] = {}
    for label in book.labels:
        index[normalise_label(label.name)] = label.name
        index[normalise_label(label.title)] = label.name
    for name, label in code_map.items():
        if label is not None and normalise_label(label) not in book.names:
            raise UsageError(
                f"the code map sends '{name}' to '{label}', which codebook {book.ref} lacks",
                fix=f"map codes to one of {', '.join(book.names)}, or to null to ignore them",
            )
        index[normalise_label(name)] = None if label is None else normalise_label(label)
    return index


def guess_lang(text: str) -> str:
    """The sentence splitter's language by script: Cyrillic ``ru``, Turkish letters ``tr``,
    else ``en`` (it only chooses the abbreviations that do not end a sentence)."""
    sample = text[:5000]
    if len(re.findall(r"[а-яё]", sample, re.I)) > len(sample) / 10:
        return "ru"
    return "tr" if re.search(r"[ğış]", sample) else "en"


def segment(text: str, lang: str | None = None) -> list[dict[str, Any]]:
    """The units of a source text: ``start, end`` (Python indices), ``speaker``, ``context``."""
    from nlp_jtbd.ingest.sentences import split_sentences

    lang = lang or guess_lang(text)
    lines = text.split("\n")
    prefixes = Counter(m.group("speaker") for m in map(_SPEAKER.match, lines) if m)
    units: list[dict[str, Any]] = []
    pos = 0
    last: tuple[str, str] | None = None  # speaker and last sentence of the previous line
    for line in lines:
        match = _SPEAKER.match(line)
        if match and prefixes[match.group("speaker")] < 2:
            match = None  # "Honest question: …" in a review is text, not a speaker
        speaker = match.group("speaker").strip() if match else ""
        body = match.end() if match else 0
        context = last[1] if last and last[1].endswith("?") and last[0] != speaker else ""
        spans = split_sentences(line[body:], lang) if line[body:].strip() else []
        for a, b in spans:
            units.append(
                {
                    "start": pos + body + a,
                    "end": pos + body + b,
                    "speaker": speaker,
                    "context": context,
                }
            )
        if spans:
            last = (speaker, line[body + spans[-1][0] : body + spans[-1][1]])
        pos += len(line) + 1
    return units


def read_codings(
    path: str | Path,
    book: Codebook,
    code_map: dict[str, str | None] | None = None,
    *,
    min_overlap: float = 0.5,
    lang: str | None = None,
) -> ProjectCodings:
    """The units each coder of ``path`` labelled with a codebook label (see the module)."""
    if not 0 < min_overlap <= 1:
        raise UsageError("`min_overlap` must be in (0, 1]", fix="use 0.5 (most of a sentence)")
    project = read_qdpx(path)
    index = _label_index(book, code_map or {})
    codes = project["codes"]
    unmapped: Counter[str] = Counter()
    ignored: Counter[str] = Counter()
    cut = multi = 0
    labelled: dict[tuple[str, int, int, str], set[str]] = {}
    units_of = {name: segment(text, lang) for name, text in project["sources"].items()}
    for coding in project["codings"]:
        code = codes.get(coding["code_guid"], {"name": coding["code"] or "?", "path": ""})
        keys = [normalise_label(code["path"] or ""), normalise_label(code["name"] or "")]
        key = next((k for k in keys if k in index), None)
        if key is None:
            unmapped[code["path"] or code["name"]] += 1
            continue
        label = index[key]
        if label is None:
            ignored[code["name"]] += 1
            continue
        covered = 0
        for unit in units_of.get(coding["source"], []):
            overlap = min(unit["end"], coding["end"]) - max(unit["start"], coding["start"])
            if overlap <= 0:
                continue
            if overlap / (unit["end"] - unit["start"]) < min_overlap:
                cut += 1
                continue
            covered += 1
            unit_key = (coding["source"], unit["start"], unit["end"], coding["coder"])
            labelled.setdefault(unit_key, set()).add(label)
        multi += covered > 1
    rows, conflicts = [], []
    for (source, start, end, coder), labels in sorted(labelled.items()):
        if len(labels) > 1:
            labels = labels - {book.fallback_label}
        unit = next(u for u in units_of[source] if u["start"] == start)
        text = project["sources"][source][start:end]
        label = next(iter(labels)) if len(labels) == 1 else ""
        if not label:
            conflicts.append(
                {"source": source, "text": text, "coder": coder, "labels": sorted(labels)}
            )
        rows.append(
            {
                "unit_id": f"{source}:{start}-{end}",
                "source": source,
                "start": start,
                "end": end,
                "text": text,
                "speaker": unit["speaker"],
                "context": unit["context"],
                "coder": coder,
                "label": label,
            }
        )
    units = pd.DataFrame(rows, columns=list(UNIT_COLUMNS))
    report = {
        "sources": len(project["sources"]),
        "codings": len(project["codings"]),
        "units": int(units["unit_id"].nunique()),
        "coders": {c: int((units["coder"] == c).sum()) for c in sorted(set(units["coder"]))},
        "multi_sentence_selections": multi,
        "cut": cut,
        "conflicts": conflicts,
        "unmapped": dict(unmapped.most_common()),
        "ignored": dict(ignored.most_common()),
    }
    coders = sorted({c for c in (cd["coder"] for cd in project["codings"]) if c})
    return ProjectCodings(units=units, coders=coders, report=report)


def training_units(codings: ProjectCodings, coders: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per unit with the label the chosen ``coders`` agree on. Without ``coders``: the
    people (coders not named ``nlp_jtbd …``), or everyone when only nlp_jtbd coded."""
    units = codings.units
    if coders:
        for coder in coders:
            codings.coder_labels(coder)  # UsageError for an unknown coder
        chosen = list(coders)
    else:
        people = [c for c in codings.coders if not c.startswith(_TOOL_PREFIX)]
        chosen = people or codings.coders
    codings.report["trained_on"] = chosen
    rows = units[units["coder"].isin(chosen) & (units["label"] != "")]
    agreed = rows.groupby("unit_id")["label"].transform("nunique") == 1
    disagreed = rows.loc[~agreed, "unit_id"].unique()
    codings.report["coder_conflicts"] = len(disagreed)
    return rows[agreed].drop_duplicates("unit_id").reset_index(drop=True)


def coded_examples(
    path: str | Path,
    book: Codebook,
    code_map: dict[str, str | None] | str | Path | None = None,
    *,
    coders: Sequence[str] | None = None,
    min_per_label: int = 2,
    min_overlap: float = 0.5,
) -> tuple[CodedExamples, ProjectCodings]:
    """Training examples from the human codings of a ``.qdpx`` (the function `jtbd train` and
    the API's model training call): ``CodedExamples`` for
    :func:`~nlp_jtbd.classify.training.train_classifier`, and the codings with their report."""
    if not isinstance(code_map, dict):
        code_map = read_code_map(code_map)
    codings = read_codings(path, book, code_map, min_overlap=min_overlap)
    units = training_units(codings, coders)
    if units.empty:
        raise InputError(
            "no coding in the project maps to a codebook label"
            + (
                f" (unmapped codes: {', '.join(list(codings.report['unmapped'])[:8])})"
                if codings.report["unmapped"]
                else ""
            ),
            where=str(path),
            fix=f"map the tool's codes to {book.ref} labels with `code_map` (YAML: code: label)",
        )
    counts = units["label"].value_counts()
    rare = counts[counts < min_per_label]
    if len(rare):
        listed = ", ".join(f"{name} ({n})" for name, n in rare.items())
        raise InputError(
            f"too few coded sentences of {listed}: at least {min_per_label} per label are needed",
            where=str(path),
            fix="code more passages with these codes, or map them to null in `code_map`",
        )
    frame = pd.DataFrame(
        {
            "example_id": units["unit_id"],
            "text": units["text"].str.strip(),
            "label": units["label"],
            "context": units["context"],
            "lang": "und",
            "file": str(path),
            "row": units["unit_id"],
            "coder": units["coder"],
        }
    )
    warnings = [
        f"label '{name}' has no examples: the model will never predict it"
        for name in book.names
        if name not in counts.index
    ]
    report = codings.report
    if report["unmapped"]:
        shown = ", ".join(f"'{k}' ({v})" for k, v in list(report["unmapped"].items())[:8])
        warnings.append(f"codes mapped to no {book.ref} label were left out: {shown}")
    if report["conflicts"] or report.get("coder_conflicts"):
        warnings.append(
            f"{len(report['conflicts'])} sentences with two labels from one coder and "
            f"{report.get('coder_conflicts', 0)} the coders labelled differently were left out"
        )
    if report["cut"]:
        warnings.append(
            f"{report['cut']} sentences a selection only partly covered were not labelled by it"
        )
    return CodedExamples(frame.reset_index(drop=True), warnings), codings


__all__ = [
    "ProjectCodings",
    "coded_examples",
    "guess_lang",
    "read_code_map",
    "read_codings",
    "segment",
    "training_units",
]
